package com.kivyx.ota.codepush;

/** Asks the publisher to package a release for react-native-code-push clients too. */
public record CodePushOptions(String bundleFileName) {
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
