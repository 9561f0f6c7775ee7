/** React Native entry: the same API, with the native-module ports as the default. */
import { setDefaultPorts } from "./client.js";
import { reactNativePorts } from "./react-native.js";

setDefaultPorts(reactNativePorts);

export * from "./index.js";
export { reactNativePorts, reactNativeHttp } from "./react-native.js";
export type { KivyxOtaNativeModule } from "./react-native.js";
