package com.kivyx.ota.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stopping server keeps answering /metrics and waits for one more scrape, so no counted event is lost. */
class DrainingMetricsTest {
  @Test
  void aStoppingServerIsScrapedOnceMoreBeforeItCloses(@TempDir Path dir) throws Exception {
    PublishedStore published = new PublishedStore(dir);
    ServerMetrics metrics = new ServerMetrics();
    ManifestServer server = ManifestServer.start(ServerConfig.defaults("127.0.0.1", 0, Optional.of(published.root)).withEventRate(1000, 1000),
        published.directorySource(Duration.ofMinutes(10), metrics), metrics);
    int port = server.port();
    // a scraper every second: the server learns the interval and waits up to twice it
    assertThat(published.get(port, "/metrics").statusCode()).isEqualTo(200);
    Thread.sleep(1000);
    assertThat(published.get(port, "/metrics").statusCode()).isEqualTo(200);
    assertThat(published.post(port, "/v1/events", ManifestServerTest.event("healthy", "r1").getBytes(StandardCharsets.UTF_8), "application/json")
        .statusCode()).isEqualTo(202);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    Thread.sleep(200);
    assertThat(closing).as("waits for the scraper").isNotDone();
    var refused = new PublishedStore.Client();
    // events go to another replica; the last scrape still carries this one's count
    assertThat(published.post(port, "/v1/events", ManifestServerTest.event("healthy", "r1").getBytes(StandardCharsets.UTF_8), "application/json")
        .statusCode()).isEqualTo(503);
    var last = refused.get(port, "/metrics");
    assertThat(last.statusCode()).isEqualTo(200);
    assertThat(PublishedStore.text(last)).contains("reason=\"none\",release=\"r1\",type=\"healthy\"} 1.0");
    closing.get(10, TimeUnit.SECONDS);
  }

  @Test
  void withoutAScraperAStopDoesNotWait(@TempDir Path dir) throws Exception {
    PublishedStore published = new PublishedStore(dir);
    ServerMetrics metrics = new ServerMetrics();
    ManifestServer server = ManifestServer.start(ServerConfig.defaults("127.0.0.1", 0, Optional.of(published.root)),
        published.directorySource(Duration.ofMinutes(10), metrics), metrics);
    assertThat(published.get(server.port(), "/metrics").statusCode()).isEqualTo(200); // one scrape is no schedule
    long start = System.nanoTime();
    server.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
