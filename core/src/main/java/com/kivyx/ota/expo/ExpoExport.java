package com.kivyx.ota.expo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The output of {@code npx expo export} for one platform: {@code metadata.json}'s
 * {@code fileMetadata.<platform>} names the bundle and each asset (a path without extension
 * plus its {@code ext}). Asset paths in the release get the extension back, which the Expo
 * manifest's {@code fileExtension} is taken from.
 */
public record ExpoExport(Path bundle, String bundlePath, List<File> assets) {
  /** One asset: where it is on disk, and its path in the release. */
  public record File(Path file, String path) {}

  private static final Pattern EXT = Pattern.compile("[A-Za-z0-9]{1,16}");

  public static ExpoExport read(Path dir, Platform platform) {
    Path metadata = dir.resolve("metadata.json");
    if (!Files.isRegularFile(metadata)) {
      throw new ExpoException(dir + " has no metadata.json; give the output directory of `npx expo export` (default dist/)");
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(metadata.toFile());
    } catch (IOException e) {
      throw new ExpoException(metadata + " is not valid JSON: " + e.getMessage(), e);
    }
    JsonNode files = root.path("fileMetadata").path(platform.id());
    if (!files.isObject()) {
      throw new ExpoException(metadata + " has no fileMetadata." + platform.id() + "; export with --platform " + platform.id() + " (or all)");
    }
    String bundlePath = text(files.path("bundle"), metadata, "fileMetadata." + platform.id() + ".bundle");
    Path bundle = inside(dir, bundlePath, metadata);
    List<File> assets = new ArrayList<>();
    for (JsonNode asset : files.path("assets")) {
      String path = text(asset.path("path"), metadata, "an asset's path");
      String ext = asset.path("ext").asText("");
      Path file = inside(dir, path, metadata);
      assets.add(new File(file, EXT.matcher(ext).matches() ? path + "." + ext : path));
    }
    return new ExpoExport(bundle, bundlePath.substring(bundlePath.lastIndexOf('/') + 1), List.copyOf(assets));
  }

  private static String text(JsonNode node, Path metadata, String what) {
    if (!node.isTextual() || node.asText().isEmpty()) {
      throw new ExpoException(metadata + ": " + what + " is missing or not a string");
    }
    return node.asText();
  }

  /** A path of metadata.json, which must name a file inside the export directory. */
  private static Path inside(Path dir, String path, Path metadata) {
    Path root = dir.toAbsolutePath().normalize();
    Path file = root.resolve(path).normalize();
    if (!file.startsWith(root) || path.contains("\\")) {
      throw new ExpoException(metadata + " names " + path + ", outside the export directory");
    }
    if (!Files.isRegularFile(file)) {
      throw new ExpoException(metadata + " names " + path + ", which is not in " + dir);
    }
    return file;
  }
}
