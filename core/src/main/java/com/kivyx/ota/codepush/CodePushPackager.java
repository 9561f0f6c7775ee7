package com.kivyx.ota.codepush;

import com.kivyx.ota.store.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds the zip a react-native-code-push client downloads: the bundle as {@code
 * CodePush/<bundleFileName>} and every asset at {@code CodePush/<its path>}. The zip is
 * deterministic (entries sorted by name, one fixed timestamp, no directory entries, no extra
 * fields), so the same files always give the same bytes and the same content address.
 */
public final class CodePushPackager {
  /**
   * DOS time has no zone; a fixed local date-time keeps the bytes the same in every time zone.
   * Not 1980-01-01 00:00: the JDK takes that for "before 1980" and adds a zoned extra field.
   */
  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2020, 1, 1, 0, 0);

  /** One file to put in the package: its path inside the bundle folder and where it is now. */
  public record PackageFile(String path, Path file) {}

  /** A written package: the zip file (the caller deletes it), its SHA-256, size and package hash. */
  public record BuiltPackage(Path zip, String sha256, long size, String packageHash) {}

  private CodePushPackager() {}

  /**
   * @param bundleFileName the bundle's name in the package; the app's binary looks it up by
   *     this name ({@link PackagePaths#defaultBundle})
   * @param bundle the launch asset
   * @param assets the other files, at their paths relative to the bundle
   */
  public static BuiltPackage build(String bundleFileName, Path bundle, List<PackageFile> assets) {
    return build(bundleFileName, bundle, assets, java.util.Optional.empty());
  }

  /** @param signingKey when present, {@code CodePush/.codepushrelease} holds the signed package hash ({@link CodeSigning}) */
  public static BuiltPackage build(
      String bundleFileName, Path bundle, List<PackageFile> assets, java.util.Optional<java.security.interfaces.RSAPrivateKey> signingKey) {
    if (bundleFileName.contains("/")) {
      throw new IllegalArgumentException("the CodePush bundle file name '" + bundleFileName + "' must be a plain file name");
    }
    TreeMap<String, Path> entries = new TreeMap<>();
    entries.put(PackagePaths.ROOT + PackagePaths.check(bundleFileName), bundle);
    for (PackageFile asset : assets) {
      String name = PackagePaths.ROOT + PackagePaths.check(asset.path());
      if (PackageHash.isIgnored(name)) {
        throw new IllegalArgumentException(
            "asset " + asset.path() + " would be left out of the CodePush package hash by every client; leave it out of the release");
      }
      if (entries.put(name, asset.file()) != null) {
        throw new IllegalArgumentException("two files of the CodePush package are named " + name + "; rename the asset or choose another bundle file name");
      }
    }
    for (String name : entries.keySet()) {
      String inside = entries.ceilingKey(name + "/");
      if (inside != null && inside.startsWith(name + "/")) {
        throw new IllegalArgumentException("CodePush package path " + name + " is both a file and a folder of " + inside);
      }
    }
    Map<String, String> hashes = new TreeMap<>();
    entries.forEach((name, file) -> hashes.put(name, Sha256.hex(file)));
    String packageHash = PackageHash.of(hashes);
    TreeMap<String, Object> all = new TreeMap<>(entries);
    signingKey.ifPresent(
        key -> all.put(PackagePaths.ROOT + PackagePaths.SIGNATURE_FILE, CodeSigning.jwt(packageHash, key).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    try {
      Path zip = Files.createTempFile("kivyx-codepush-", ".zip");
      try (OutputStream out = Files.newOutputStream(zip);
          ZipOutputStream zos = new ZipOutputStream(out)) {
        zos.setLevel(Deflater.BEST_COMPRESSION);
        for (Map.Entry<String, Object> e : all.entrySet()) {
          ZipEntry entry = new ZipEntry(e.getKey());
          entry.setTimeLocal(FIXED_TIME);
          entry.setMethod(ZipEntry.DEFLATED);
          zos.putNextEntry(entry);
          if (e.getValue() instanceof Path file) {
            Files.copy(file, zos);
          } else {
            zos.write((byte[]) e.getValue());
          }
          zos.closeEntry();
        }
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(zip);
        throw e;
      }
      return new BuiltPackage(zip, Sha256.hex(zip), Files.size(zip), packageHash);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the CodePush package: " + e.getMessage(), e);
    }
  }
}
