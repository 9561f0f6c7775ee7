package com.kivyx.ota.codepush;

/**
 * Asks the publisher to package a release for react-native-code-push clients too.
 *
 * @param signingKey signs the package ({@code CodePush/.codepushrelease}) for apps that pin a
 *     {@code CodePushPublicKey}
 */
public record CodePushOptions(String bundleFileName, java.util.Optional<java.security.interfaces.RSAPrivateKey> signingKey) {
  public CodePushOptions(String bundleFileName) {
    this(bundleFileName, java.util.Optional.empty());
  }

  public CodePushOptions withSigningKey(java.security.interfaces.RSAPrivateKey key) {
    return new CodePushOptions(bundleFileName, java.util.Optional.of(key));
  }

  public CodePushOptions {
    PackagePaths.check(bundleFileName);
    if (bundleFileName.contains("/")) {
      throw new IllegalArgumentException("the CodePush bundle file name '" + bundleFileName + "' must be a plain file name such as main.jsbundle");
    }
  }

  /** The file name react-native-code-push looks for by default on the platform. */
  public static CodePushOptions defaults(com.kivyx.ota.format.Platform platform) {
    return new CodePushOptions(PackagePaths.defaultBundle(platform));
  }
}
