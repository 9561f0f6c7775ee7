package com.kivyx.ota.codepush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.store.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TimeZone;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodePushPackagerTest {
  @TempDir Path dir;

  private Path file(String name, String content) throws Exception {
    Path file = dir.resolve("src").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  private List<CodePushPackager.PackageFile> assets() throws Exception {
    List<CodePushPackager.PackageFile> assets = new ArrayList<>();
    assets.add(new CodePushPackager.PackageFile("assets/img/logo.png", file("logo.png", "png bytes")));
    assets.add(new CodePushPackager.PackageFile("assets/fonts/a.ttf", file("a.ttf", "font bytes")));
    assets.add(new CodePushPackager.PackageFile("drawable-mdpi/icon.png", file("icon.png", "icon bytes")));
    return assets;
  }

  @Test
  void laysOutTheBundleFolderAsTheCodePushCliDoes() throws Exception {
    Path bundle = file("index.ios.bundle", "console.log(1)");
    CodePushPackager.BuiltPackage built = CodePushPackager.build("main.jsbundle", bundle, assets());
    try (ZipFile zip = new ZipFile(built.zip().toFile())) {
      List<String> names = Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
      assertThat(names)
          .containsExactly(
              "CodePush/assets/fonts/a.ttf", "CodePush/assets/img/logo.png", "CodePush/drawable-mdpi/icon.png", "CodePush/main.jsbundle");
      for (ZipEntry e : Collections.list(zip.entries())) {
        assertThat(e.isDirectory()).isFalse();
        assertThat(e.getTimeLocal()).isEqualTo(LocalDateTime.of(2020, 1, 1, 0, 0));
        assertThat(e.getExtra()).isNull();
      }
      assertThat(new String(zip.getInputStream(zip.getEntry("CodePush/main.jsbundle")).readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("console.log(1)");
    }
    byte[] zipBytes = Files.readAllBytes(built.zip());
    assertThat(built.sha256()).isEqualTo(Sha256.hex(zipBytes));
    assertThat(built.size()).isEqualTo(zipBytes.length);
    assertThat(built.packageHash()).isEqualTo(PackageHash.ofZip(zipBytes));
  }

  @Test
  void theSameFilesGiveTheSameBytesInAnyOrderAndTimeZone() throws Exception {
    Path bundle = file("index.android.bundle", "console.log(2)");
    List<CodePushPackager.PackageFile> assets = assets();
    CodePushPackager.BuiltPackage first = CodePushPackager.build("index.android.bundle", bundle, assets);
    TimeZone zone = TimeZone.getDefault();
    CodePushPackager.BuiltPackage second;
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
      Files.setLastModifiedTime(bundle, java.nio.file.attribute.FileTime.fromMillis(0));
      Collections.reverse(assets);
      second = CodePushPackager.build("index.android.bundle", bundle, assets);
    } finally {
      TimeZone.setDefault(zone);
    }
    assertThat(Files.readAllBytes(second.zip())).isEqualTo(Files.readAllBytes(first.zip()));
    assertThat(second.packageHash()).isEqualTo(first.packageHash());
  }

  @Test
  void refusesPackagesAClientCouldNotUnpackOrHash() throws Exception {
    Path bundle = file("b.js", "x");
    Path png = file("p.png", "p");
    assertThatThrownBy(() -> CodePushPackager.build("main.jsbundle", bundle, List.of(new CodePushPackager.PackageFile("main.jsbundle", png))))
        .hasMessageContaining("two files");
    assertThatThrownBy(
            () -> CodePushPackager.build(
                "main.jsbundle", bundle,
                List.of(new CodePushPackager.PackageFile("assets/a", png), new CodePushPackager.PackageFile("assets/a/b.png", png))))
        .hasMessageContaining("both a file and a folder");
    assertThatThrownBy(() -> CodePushPackager.build("main.jsbundle", bundle, List.of(new CodePushPackager.PackageFile("assets/.DS_Store", png))))
        .hasMessageContaining("left out of the CodePush package hash");
    assertThatThrownBy(() -> CodePushPackager.build("main.jsbundle", bundle, List.of(new CodePushPackager.PackageFile("assets/\u00e9.png", png))))
        .hasMessageContaining("printable ASCII");
    assertThatThrownBy(() -> CodePushPackager.build("dir/main.jsbundle", bundle, List.of())).hasMessageContaining("plain file name");
  }
}
