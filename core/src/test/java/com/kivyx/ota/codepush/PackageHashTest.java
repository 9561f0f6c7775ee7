package com.kivyx.ota.codepush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.store.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageHashTest {
  private static final byte[] BUNDLE = "console.log('v1');\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] LOGO = "\u0089PNG fake".getBytes(StandardCharsets.ISO_8859_1);
  /** Computed apart, with Python: sha256(json.dumps(sorted(entries), separators=(',', ':'))). */
  private static final String GOLDEN = "b68331cee5526e2341dffe91f5919dd0fbe5114855bf366d4b7f2ae394e22c37";

  @TempDir Path dir;

  private static Map<String, String> files() {
    return Map.of("CodePush/main.jsbundle", Sha256.hex(BUNDLE), "CodePush/assets/img/logo.png", Sha256.hex(LOGO));
  }

  @Test
  void matchesAnIndependentComputation() {
    assertThat(Sha256.hex(BUNDLE)).isEqualTo("ce7c9f161dce1ba1e082eb30db5ba7a89a8f5aa630221045eb158634806e9661");
    assertThat(PackageHash.of(files())).isEqualTo(GOLDEN);
  }

  @Test
  void aFolderAZipAndTheFileListHashTheSame() throws Exception {
    write("CodePush/main.jsbundle", BUNDLE);
    write("CodePush/assets/img/logo.png", LOGO);
    assertThat(PackageHash.ofDirectory(dir)).isEqualTo(GOLDEN);

    // directory entries and ignored files, as macOS zip tools add them, change nothing
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("CodePush/"));
      zip.putNextEntry(new ZipEntry("CodePush/assets/img/"));
      entry(zip, "CodePush/assets/img/logo.png", LOGO);
      entry(zip, "CodePush/.DS_Store", new byte[] {1});
      entry(zip, "__MACOSX/CodePush/._main.jsbundle", new byte[] {2});
      entry(zip, "CodePush/.codepushrelease", "jwt".getBytes(StandardCharsets.UTF_8));
      entry(zip, "CodePush/main.jsbundle", BUNDLE);
    }
    assertThat(PackageHash.ofZip(bytes.toByteArray())).isEqualTo(GOLDEN);
  }

  @Test
  void everyByteAndEveryNameCounts() throws Exception {
    assertThat(PackageHash.of(Map.of("CodePush/main.jsbundle", Sha256.hex(BUNDLE)))).isNotEqualTo(GOLDEN);
    assertThat(PackageHash.of(Map.of("CodePush/main.jsbundle", Sha256.hex(BUNDLE), "CodePush/assets/img/Logo.png", Sha256.hex(LOGO))))
        .isNotEqualTo(GOLDEN);
    write("CodePush/main.jsbundle", "console.log('v2');\n".getBytes(StandardCharsets.UTF_8));
    write("CodePush/assets/img/logo.png", LOGO);
    assertThat(PackageHash.ofDirectory(dir)).isNotEqualTo(GOLDEN);
  }

  @Test
  void refusesPathsClientsWouldEscapeDifferently() {
    for (String path : new String[] {"CodePush/a\"b.png", "CodePush/a\\b.png", "CodePush/caf\u00e9.png", "CodePush/tab\t.png", "/CodePush/a", "CodePush/../a"}) {
      assertThatThrownBy(() -> PackageHash.of(Map.of(path, Sha256.hex(LOGO)))).as(path).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void refusesZipsThatAreNotPackages() throws Exception {
    assertThatThrownBy(() -> PackageHash.ofZip("not a zip".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no files");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      entry(zip, "CodePush/main.jsbundle", BUNDLE);
      entry(zip, "CodePush/x/../main.jsbundle", LOGO);
    }
    assertThatThrownBy(() -> PackageHash.ofZip(bytes.toByteArray())).isInstanceOf(IllegalArgumentException.class);
  }

  private void write(String path, byte[] content) throws Exception {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }

  private static void entry(ZipOutputStream zip, String name, byte[] content) throws Exception {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content);
    zip.closeEntry();
  }
}
