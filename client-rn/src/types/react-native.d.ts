// Minimal declaration of what the React Native ports use; the app provides react-native itself.
declare module "react-native" {
  export const NativeModules: Record<string, unknown>;
}
