package com.kivyx.ota.format;

/**
 * The react-native-code-push package of a release (optional field {@code codePush} of the
 * release manifest): a zip blob, and the package hash a CodePush client computes over its
 * unpacked files (see docs/codepush.md). Signed with the manifest, so a server can check the
 * blob before it offers it.
 */
public record CodePushPackageRef(String packageHash, String sha256, long size, String url) {
  public CodePushPackageRef {
    Check.sha256("codePush packageHash", packageHash);
    Check.sha256("codePush sha256", sha256);
    Check.positive("codePush size", size);
    Check.relativeUrl("codePush url", url);
  }
}
