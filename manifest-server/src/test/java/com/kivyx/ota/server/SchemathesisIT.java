package com.kivyx.ota.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.format.RolloutInfo;
import com.kivyx.ota.publish.AssetSource;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.FileSource;
import com.kivyx.ota.publish.PublishedRelease;
import com.kivyx.ota.publish.ReleaseRequest;
import com.kivyx.ota.testing.Pipeline;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property-based fuzzing of the whole API from openapi.yaml with schemathesis, against the
 * server running in this JVM: no 5xx, every answer conforms to the document, invalid input is
 * refused and valid input accepted. Install it with {@code pip install schemathesis}; without
 * it the test is skipped locally and fails in CI.
 */
class SchemathesisIT {
  /** The app of the OpenAPI document's examples, so the examples phase reaches real data. */
  static final String APP = "com.example.demo";

  @Test
  void theApiHoldsUpUnderSchemathesis(@TempDir Path dir) throws Exception {
    Optional<String> st = findOnPath("st").or(() -> findOnPath("schemathesis"));
    if (st.isEmpty()) {
      if ("true".equals(System.getenv("CI"))) {
        fail("schemathesis is not installed; install it with: pip install schemathesis");
      }
      Assumptions.abort("schemathesis is not installed (pip install schemathesis); skipped outside CI");
    }
    PublishedStore published = new PublishedStore(dir.resolve("base"));
    // the channel of the document's examples: com.example.demo / android / production
    Path bundle = dir.resolve("demo.bundle");
    Files.writeString(bundle, PublishedStore.bundle(7));
    PublishedRelease release =
        published.pipeline.publish(
            new ReleaseRequest(APP, Platform.ANDROID, "demo-1", "1.0.1", 1, "1.0.0",
                new AssetSource("index.android.bundle", "application/javascript", FileSource.of(bundle.toString())), List.of(), Map.of()),
            false);
    published.pipeline.updater().apply(new ChannelId(APP, Platform.ANDROID, "production"),
        ChannelChange.offer(new ChannelRelease("demo-1", 1, "1.0.0", release.manifestRef(), Pipeline.fullRollout("production/demo-1"))));

    ServerMetrics metrics = new ServerMetrics();
    ServerConfig config = ServerConfig.defaults("127.0.0.1", 0, Optional.of(published.root)).withEventRate(10_000, 10_000);
    try (ManifestServer server = ManifestServer.start(config, published.directorySource(Duration.ofMinutes(10), metrics), metrics)) {
      String base = "http://127.0.0.1:" + server.port();
      Path report = dir.resolve("schemathesis.txt");
      Path stConfig = dir.resolve("schemathesis.toml");
      try (var in = SchemathesisIT.class.getResourceAsStream("/schemathesis.toml")) {
        Files.write(stConfig, in.readAllBytes());
      }
      Process process =
          new ProcessBuilder(
                  st.get(), "--config-file", stConfig.toString(), "run", base + "/openapi.yaml",
                  "--url", base,
                  "--checks", "all",
                  // the coverage phase trips over an internal hypothesis error on some schemas; examples and fuzzing are the point
                  "--phases", "examples,fuzzing",
                  "--max-examples", "40",
                  "--max-time", "60",
                  "--seed", "20261127",
                  "--workers", "1",
                  "--request-timeout", "10")
              .directory(dir.toFile()) // its run database goes there, not into the work tree
              .redirectErrorStream(true)
              .redirectOutput(report.toFile())
              .start();
      if (!process.waitFor(180, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("schemathesis did not finish in 180 s:\n" + Files.readString(report));
      }
      String output = Files.readString(report, StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as("schemathesis output:\n%s", output).isZero();
      assertThat(metrics.scrape()).doesNotContain("status=\"500\"");
    }
  }

  private static Optional<String> findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }
}
