package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaCommandTest {
  @TempDir Path dir;

  private static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void createThenApplyRoundTrips() throws Exception {
    byte[] oldData = random(1, 50_000);
    byte[] newData = Arrays.copyOf(oldData, 51_000);
    newData[123] ^= 7;
    System.arraycopy(random(2, 1_000), 0, newData, 50_000, 1_000);
    Path oldFile = Files.write(dir.resolve("old.hbc"), oldData);
    Path newFile = Files.write(dir.resolve("new.hbc"), newData);
    Path patch = dir.resolve("p.kvxd1");
    Path out = dir.resolve("out.hbc");

    assertThat(KivyxOta.run("delta", "create", oldFile.toString(), newFile.toString(), patch.toString()))
        .isZero();
    assertThat(Files.size(patch)).isLessThan(newData.length / 10);
    assertThat(KivyxOta.run("delta", "apply", oldFile.toString(), patch.toString(), out.toString()))
        .isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(newData);
  }

  @Test
  void applyToTheWrongOldFileFails() throws Exception {
    Path oldFile = Files.write(dir.resolve("old"), random(3, 10_000));
    Path newFile = Files.write(dir.resolve("new"), random(4, 10_000));
    Path other = Files.write(dir.resolve("other"), random(5, 10_000));
    Path patch = dir.resolve("p.kvxd1");
    Path out = dir.resolve("out");
    assertThat(KivyxOta.run("delta", "create", oldFile.toString(), newFile.toString(), patch.toString()))
        .isZero();

    assertThat(KivyxOta.run("delta", "apply", other.toString(), patch.toString(), out.toString()))
        .isNotZero();
    assertThat(out).doesNotExist();
  }

  @Test
  void missingInputIsAUsageError() {
    Path missing = dir.resolve("missing");
    assertThat(KivyxOta.run("delta", "create", missing.toString(), missing.toString(), dir.resolve("p").toString()))
        .isEqualTo(2);
  }
}
