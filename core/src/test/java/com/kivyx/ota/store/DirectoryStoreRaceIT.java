package com.kivyx.ota.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tries to make two writers of one directory store both win a compare-and-swap. */
class DirectoryStoreRaceIT {
  private static final int ROUNDS = 20;
  private static final int WRITERS = 8;
  private static final int INCREMENTS = 100;

  @TempDir Path dir;

  @Test
  void threadsWithTheirOwnStoreInstancesNeverLoseAnUpdate() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        Path root = Files.createDirectory(dir.resolve("round-" + round));
        CyclicBarrier start = new CyclicBarrier(WRITERS);
        List<Future<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          // Each thread has its own instance, as the operator, serve and the tests have.
          CounterWriter writer = new CounterWriter(new DirectoryStore(root));
          writers.add(pool.submit(() -> {
            start.await();
            return writer.increment(INCREMENTS);
          }));
        }
        int refused = 0;
        for (Future<Integer> f : writers) {
          refused += f.get(2, TimeUnit.MINUTES);
        }
        assertThat(countIn(root)).as("round %d (%d swaps refused on the way)", round, refused)
            .isEqualTo(WRITERS * INCREMENTS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void separateProcessesNeverLoseAnUpdate() throws Exception {
    int processes = 3;
    int increments = 200;
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<Process> children = new ArrayList<>();
    try {
      for (int p = 0; p < processes; p++) {
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                CounterWriter.class.getName(), dir.toString(), Integer.toString(increments))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        children.add(child);
      }
      // Start them together, once every JVM is up, so their writes overlap.
      for (Process child : children) {
        assertThat(firstLine(child)).isEqualTo("ready");
      }
      for (Process child : children) {
        OutputStream in = child.getOutputStream();
        in.write('\n');
        in.flush();
      }
      for (Process child : children) {
        assertThat(child.waitFor(3, TimeUnit.MINUTES)).as("writer process finished").isTrue();
        assertThat(child.exitValue()).isZero();
      }
    } finally {
      children.forEach(Process::destroyForcibly);
    }
    assertThat(countIn(dir)).isEqualTo(processes * increments);
  }

  private static int countIn(Path root) {
    return CounterWriter.value(new DirectoryStore(root).read(CounterWriter.KEY).orElseThrow());
  }

  private static String firstLine(Process child) throws Exception {
    return new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
  }
}
