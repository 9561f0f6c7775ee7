package com.kivyx.ota.cli;

import com.kivyx.ota.publish.AssetSource;
import com.kivyx.ota.publish.ContentTypes;
import com.kivyx.ota.publish.FileSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** How {@code --bundle} and {@code --assets} name a release's files (publish and attest must agree). */
final class ReleaseFiles {
  private ReleaseFiles() {}

  static String bundleName(Path bundle) {
    return bundle.getFileName().toString();
  }

  /** Every file under {@code assets}, named {@code DIRNAME/relative/path}, sorted. */
  static List<AssetSource> assets(Path assets) throws IOException {
    if (assets == null) {
      return List.of();
    }
    if (!Files.isDirectory(assets)) {
      throw new Cli.UsageError("--assets " + assets + " is not a directory");
    }
    String top = assets.toAbsolutePath().normalize().getFileName().toString();
    List<AssetSource> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(assets)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String path = top + "/" + assets.relativize(file).toString().replace('\\', '/');
        sources.add(new AssetSource(path, ContentTypes.forPath(path), FileSource.of(file.toString())));
      }
    }
    return sources;
  }
}
