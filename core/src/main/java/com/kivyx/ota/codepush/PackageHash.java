package com.kivyx.ota.codepush;

import com.kivyx.ota.store.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The package hash a react-native-code-push client computes over an unpacked update
 * (CodePushUpdateUtils on Android and iOS): for every file, {@code relativePath:sha256hex},
 * skipping {@code __MACOSX/}, {@code .DS_Store} and {@code .codepushrelease}; the entries
 * sorted, written as a JSON array without spaces, and SHA-256 of that as lowercase hex.
 * Directories contribute nothing (unlike the reference server, which hashed zip directory
 * entries as empty files).
 *
 * <p>Paths are restricted to {@link PackagePaths} so that the JSON needs no escaping: Android's
 * org.json, iOS's NSJSONSerialization and JavaScript would otherwise escape differently.
 */
public final class PackageHash {
  private PackageHash() {}

  /** Files the clients leave out of the hash. */
  public static boolean isIgnored(String relativePath) {
    return relativePath.startsWith("__MACOSX/")
        || relativePath.equals(".DS_Store")
        || relativePath.endsWith("/.DS_Store")
        || relativePath.equals(PackagePaths.SIGNATURE_FILE)
        || relativePath.endsWith("/" + PackagePaths.SIGNATURE_FILE);
  }

  /** @param files SHA-256 hex of each file by its path inside the unpacked package */
  public static String of(Map<String, String> files) {
    List<String> entries = new ArrayList<>();
    files.forEach(
        (path, sha256) -> {
          PackagePaths.check(path);
          if (!isIgnored(path)) {
            entries.add(path + ":" + sha256);
          }
        });
    Collections.sort(entries);
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < entries.size(); i++) {
      json.append(i == 0 ? "\"" : ",\"").append(entries.get(i)).append('"');
    }
    return Sha256.hex(json.append(']').toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The hash of an unpacked package folder, walked the way the clients walk it. */
  public static String ofDirectory(Path root) throws IOException {
    Map<String, String> files = new java.util.TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        String relative = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        if (!isIgnored(relative)) {
          files.put(relative, Sha256.hex(file));
        }
      }
    }
    return of(files);
  }

  /** Unpacked files of a zip are capped at this many bytes in all when hashing it. */
  static final long MAX_UNPACKED = 1L << 30;

  /**
   * The hash of the folder a client gets by unpacking {@code zip}: file entries only
   * (directory entries create nothing to hash).
   *
   * @throws IllegalArgumentException when the zip is unreadable, unpacks to over 1 GiB, names a
   *     file twice or has a path no client can hash the same way
   */
  public static String ofZip(byte[] zip) {
    Map<String, String> files = new java.util.TreeMap<>();
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.isDirectory()) {
          continue;
        }
        java.security.MessageDigest digest = Sha256.newDigest();
        for (int n; (n = in.read(buffer)) > 0; ) {
          total += n;
          if (total > MAX_UNPACKED) {
            throw new IllegalArgumentException("the zip unpacks to more than " + MAX_UNPACKED + " bytes");
          }
          digest.update(buffer, 0, n);
        }
        if (files.put(e.getName(), java.util.HexFormat.of().formatHex(digest.digest())) != null) {
          throw new IllegalArgumentException("the zip names " + e.getName() + " twice");
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a readable zip: " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("the zip holds no files");
    }
    return of(files);
  }
}
