package com.kivyx.ota.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus (the binary from {@code scripts/setup}: Debian's package, or
 * $KIVYX_PROMETHEUS) started for a test with its own config, port and storage, scraping the
 * given targets every second. Never the packaged service.
 */
public final class PrometheusServer implements AutoCloseable {
  private final Process process;
  private final Path log;
  public final URI url;

  public PrometheusServer(Path dir, List<Integer> targetPorts) throws Exception {
    String binary = System.getenv().getOrDefault("KIVYX_PROMETHEUS", "prometheus");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global: {scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s}
        scrape_configs:
          - job_name: kivyx-ota-server
            static_configs:
              - targets: [%s]
        """.formatted(targetPorts.stream().map(p -> "'127.0.0.1:" + p + "'").collect(Collectors.joining(", "))));
    int port = freePort();
    url = URI.create("http://127.0.0.1:" + port + "/");
    log = dir.resolve("prometheus.log");
    try {
      process = new ProcessBuilder(binary, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.retention.time=1h")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start Prometheus (" + binary + "): run scripts/setup, or set KIVYX_PROMETHEUS to its binary", e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "prometheus-stop"));
    Eventually.await("Prometheus ready on " + url + " (log: " + log + ")", Duration.ofSeconds(60), () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("Prometheus exited: " + tail());
      }
      return status("-/ready") == 200;
    });
  }

  /** Waits until every target is being scraped (the discovery hands targets over on a ~5 s tick). */
  public void awaitTargetsUp(int count) {
    Eventually.await(count + " targets up in Prometheus", Duration.ofSeconds(60), () -> upTargets() >= count);
  }

  public int upTargets() {
    try {
      JsonNode root = new ObjectMapper().readTree(get("api/v1/targets?state=active").body());
      int up = 0;
      for (JsonNode t : root.path("data").path("activeTargets")) {
        up += "up".equals(t.path("health").asText()) ? 1 : 0;
      }
      return up;
    } catch (Exception e) {
      return 0;
    }
  }

  private int status(String path) {
    try {
      return get(path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
