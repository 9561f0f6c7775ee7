package com.kivyx.ota.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BSDIFF40 patches applied by bsdiff's own bspatch (scripts/setup installs it: apt-get install bsdiff). */
class Bsdiff40BspatchIT {
  private final Bsdiff40Encoder encoder = new Bsdiff40Encoder(new DeltaBudget(Duration.ofSeconds(60), 1L << 30));

  @Test
  void bspatchRebuildsRealAndRandomFiles(@TempDir Path dir) throws Exception {
    Path tool = Path.of("/usr/bin/bspatch");
    assertThat(Files.isExecutable(tool)).as("bspatch is required: apt-get install bsdiff").isTrue();
    byte[] random = new byte[40_000];
    new Random(3).nextBytes(random);
    byte[][][] pairs = {
      {Corpus.read("v1.hbc"), Corpus.read("v2.hbc")}, {Corpus.read("v2.hbc"), Corpus.read("v3.hbc")},
      {Corpus.read("v1.min.js"), Corpus.read("v3.min.js")}, {random, Corpus.read("v1.min.js")}, {new byte[0], random}, {random, new byte[0]},
    };
    for (byte[][] pair : pairs) {
      byte[] patch = encoder.encode(pair[0], pair[1]);
      Path oldFile = Files.write(dir.resolve("old"), pair[0]);
      Path patchFile = Files.write(dir.resolve("patch"), patch);
      Path newFile = dir.resolve("new");
      Files.deleteIfExists(newFile);
      Process p = new ProcessBuilder(tool.toString(), oldFile.toString(), newFile.toString(), patchFile.toString()).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as(output).isZero();
      assertThat(Files.readAllBytes(newFile)).isEqualTo(pair[1]);
    }
  }
}
