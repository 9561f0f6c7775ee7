package com.kivyx.ota.codepush;

import java.util.regex.Pattern;

/**
 * Where files go inside a CodePush package. The CodePush CLI zips the bundle folder with the
 * folder itself as the root, so every path starts with {@code CodePush/}: the clients find the
 * bundle by its file name anywhere in the package, and React Native resolves assets relative
 * to the bundle, so the release's asset paths are kept as they are under that root.
 */
public final class PackagePaths {
  public static final String ROOT = "CodePush/";
  public static final String SIGNATURE_FILE = ".codepushrelease";
  /** The bundle file names react-native-code-push looks for unless the app names another. */
  public static final String IOS_BUNDLE = "main.jsbundle";

  public static final String ANDROID_BUNDLE = "index.android.bundle";

  /**
   * Printable ASCII without {@code "} and {@code \}: JSON needs no escape for these in any of
   * the three client implementations, so they all hash the same bytes.
   */
  private static final Pattern SAFE = Pattern.compile("[\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]{1,1024}");

  private PackagePaths() {}

  /** @throws IllegalArgumentException when the path cannot be hashed the same way by every client */
  public static String check(String path) {
    if (!SAFE.matcher(path).matches()) {
      throw new IllegalArgumentException(
          "CodePush package path '" + path + "' must be 1-1024 printable ASCII characters without '\"' or '\\'; rename the file");
    }
    if (path.startsWith("/") || path.endsWith("/") || ("/" + path + "/").contains("/../") || ("/" + path + "/").contains("/./") || path.contains("//")) {
      throw new IllegalArgumentException("CodePush package path '" + path + "' must be a relative file path inside the package");
    }
    return path;
  }

  /** The default bundle file name of a platform ({@code ios} or {@code android}). */
  public static String defaultBundle(com.kivyx.ota.format.Platform platform) {
    return platform == com.kivyx.ota.format.Platform.IOS ? IOS_BUNDLE : ANDROID_BUNDLE;
  }
}
