package com.kivyx.ota.publish;

import java.util.Locale;
import java.util.Map;

/** Content types for release files, by extension; unknown ones are plain bytes. */
public final class ContentTypes {
  public static final String DELTA = "application/vnd.kivyx.ota.kvxd1";
  /** A react-native-code-push package. */
  public static final String ZIP = "application/zip";
  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("js", "application/javascript"),
          Map.entry("bundle", "application/javascript"),
          Map.entry("hbc", "application/octet-stream"),
          Map.entry("json", "application/json"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("ttf", "font/ttf"),
          Map.entry("otf", "font/otf"),
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("mp4", "video/mp4"),
          Map.entry("txt", "text/plain"),
          Map.entry("html", "text/html"));

  private ContentTypes() {}

  public static String forPath(String path) {
    int dot = path.lastIndexOf('.');
    String extension = dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
    return BY_EXTENSION.getOrDefault(extension, "application/octet-stream");
  }
}
