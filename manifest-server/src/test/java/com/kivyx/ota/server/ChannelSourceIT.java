package com.kivyx.ota.server;

import com.kivyx.ota.verify.DocumentRejectedException;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.testing.Eventually;
import com.kivyx.ota.testing.ForwardingStore;
import static com.kivyx.ota.server.PublishedStore.BASE;
import static com.kivyx.ota.server.PublishedStore.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.RolloutInfo;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.ChannelIndexUpdater;
import com.kivyx.ota.publish.Progress;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.testing.S3TestServer;
import com.kivyx.ota.testing.MutableClock;
import com.kivyx.ota.testing.Pipeline;
import com.kivyx.ota.testing.TestKeys;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots: watched swaps, refused indexes, failing sources, readiness. */
class ChannelSourceIT {
  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();

  static void eventually(Supplier<Boolean> condition, String what) {
    Eventually.await(what, Duration.ofSeconds(10), condition);
  }

  long servedVersion(PublishedStore published, int port) throws Exception {
    HttpResponse<byte[]> response = published.get(port, BASE + "/update?deviceId=d&runtimeVersion=1.0.0");
    byte[] index = java.util.Base64.getDecoder().decode(json.readTree(response.body()).get("index").asText());
    return published.builder().build(new ChannelId(PublishedStore.APP, Pipeline.PLATFORM, PublishedStore.CHANNEL), index, Optional.empty(), url -> published.store.read(url).map(o -> o.bytes()))
        .index().version();
  }

  @Test
  void aNewIndexIsServedAsSoonAsTheDirectoryChangesAndBadOnesNever() throws Exception {
    PublishedStore published = new PublishedStore(dir);
    ServerMetrics metrics = new ServerMetrics();
    // rescans only every 10 minutes: a swap within seconds proves the watch
    try (ManifestServer server = ManifestServer.start(ServerConfig.defaults("127.0.0.1", 0, Optional.of(published.root)),
        published.directorySource(Duration.ofMinutes(10), metrics), metrics)) {
      int port = server.port();
      assertThat(servedVersion(published, port)).isEqualTo(2);
      byte[] v2 = published.indexBytes();

      var r3 = published.publish("r3", 3, 3);
      published.offer(r3, RolloutInfo.FULL_WEIGHT, false, null);
      eventually(() -> server.source().snapshot().orElseThrow().channels().values().iterator().next().index().version() == 3, "index version 3");
      assertThat(json.readTree(published.get(port, BASE + "/update?deviceId=d&runtimeVersion=1.0.0").body()).get("releaseId").asText()).isEqualTo("r3");
      byte[] v3 = published.indexBytes();
      Path indexFile = published.root.resolve(StoreLayout.index(new ChannelId(PublishedStore.APP, Pipeline.PLATFORM, PublishedStore.CHANNEL)));

      // an older index put back (a replay) is refused
      Files.write(indexFile, v2);
      eventually(() -> metrics.scrape().contains("kivyx_ota_index_rejected_total{reason=\"version_regressed\"} 1.0"), "replay refused");
      // an index signed by a key nobody pinned, and plain garbage, likewise
      ChannelIndexUpdater stranger =
          new ChannelIndexUpdater(published.store, TestKeys.signer("alias/stranger"), Map.of(published.signer.kid(), published.signer.publicKey()),
              published.pipeline.clock, Duration.ofDays(7), Progress.SILENT);
      Files.write(indexFile, v3);
      stranger.apply(new ChannelId(PublishedStore.APP, Pipeline.PLATFORM, PublishedStore.CHANNEL), ChannelChange.refresh());
      eventually(() -> metrics.scrape().contains("kivyx_ota_index_rejected_total{reason=\"signature\"} 1.0"), "stranger's index refused");
      Files.write(indexFile, "garbage".getBytes(StandardCharsets.UTF_8));
      eventually(() -> metrics.scrape().contains("kivyx_ota_index_rejected_total{reason=\"signature\"} 2.0"), "garbage refused");
      Files.delete(indexFile);
      Thread.sleep(200);

      HttpResponse<byte[]> index = published.get(port, BASE + "/index");
      assertThat(index.body()).isEqualTo(v3);
      assertThat(published.get(port, "/apps/" + PublishedStore.APP + "/android/production/index.cose").body()).isEqualTo(v3);
      assertThat(text(published.get(port, "/readyz"))).contains("ready");
    }
  }

  @Test
  void aChannelWhoseIndexLandsWhileTheSourceScansIsServedWithoutWaitingForTheRescan() throws Exception {
    PublishedStore published = new PublishedStore(dir);
    ChannelId beta = new ChannelId(PublishedStore.APP, Pipeline.PLATFORM, "beta");
    var m = published.r1.manifest();
    published.pipeline.updater().apply(beta, ChannelChange.offer(new com.kivyx.ota.format.ChannelRelease(m.releaseId(), m.versionCode(), m.runtimeVersion(),
        published.r1.manifestRef(), new RolloutInfo("beta/r1", RolloutInfo.FULL_WEIGHT, false, null))));
    Path betaIndex = published.root.resolve(StoreLayout.index(beta));
    byte[] betaBytes = Files.readAllBytes(betaIndex);
    Files.delete(betaIndex);
    Files.delete(betaIndex.getParent());
    // The publisher's last file lands while the source is scanning: just after the scan listed the
    // store (and saw no index), before the scan is over.
    AtomicBoolean landed = new AtomicBoolean();
    ArtifactStore racing = new ForwardingStore(published.store) {
      @Override
      public List<String> list(String prefix) {
        List<String> listed = super.list(prefix);
        if (Files.isDirectory(betaIndex.getParent()) && landed.compareAndSet(false, true)) {
          try {
            Files.write(betaIndex, betaBytes);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
        return listed;
      }
    };
    ServerMetrics metrics = new ServerMetrics();
    // rescans only every 10 minutes: only the watch can bring the new channel in time
    try (StoreChannelSource source = new StoreChannelSource(racing, published.builder(),
        StoreChannelSource.Settings.directory(published.root, Duration.ofMinutes(10)), metrics, published.pipeline.clock)) {
      source.start();
      Files.createDirectories(betaIndex.getParent());
      eventually(landed::get, "the index landing during a scan");
      eventually(() -> source.snapshot().orElseThrow().channels().containsKey(beta), "channel beta served");
    }
  }

  @Test
  void expiredIndexesAndManifestsThatDoNotMatchAreRefused() throws Exception {
    PublishedStore published = new PublishedStore(dir);
    ChannelId key = new ChannelId(PublishedStore.APP, Pipeline.PLATFORM, PublishedStore.CHANNEL);
    MutableClock later = new MutableClock(published.pipeline.clock.instant().plus(Duration.ofDays(8)));
    assertThatThrownBy(() -> new SnapshotBuilder(published.keys(), later).build(key, published.indexBytes(), Optional.empty(), url -> published.store.read(url).map(o -> o.bytes())))
        .isInstanceOfSatisfying(DocumentRejectedException.class, e -> assertThat(e.reason()).isEqualTo(DocumentRejectedException.Reason.EXPIRED))
        .hasMessageContaining("expired");
    assertThatThrownBy(() -> published.builder().build(key, published.indexBytes(), Optional.empty(), url -> Optional.empty()))
        .isInstanceOfSatisfying(DocumentRejectedException.class, e -> assertThat(e.reason().retryable()).isTrue());
    assertThatThrownBy(() -> published.builder().build(key, published.indexBytes(), Optional.empty(), url -> Optional.of(new byte[] {1, 2, 3})))
        .isInstanceOfSatisfying(DocumentRejectedException.class, e -> assertThat(e.reason()).isEqualTo(DocumentRejectedException.Reason.MANIFEST_INVALID));
    ChannelId elsewhere = new ChannelId(PublishedStore.APP, Pipeline.PLATFORM, "beta");
    assertThatThrownBy(() -> published.builder().build(elsewhere, published.indexBytes(), Optional.empty(), url -> published.store.read(url).map(o -> o.bytes())))
        .isInstanceOfSatisfying(DocumentRejectedException.class, e -> assertThat(e.reason()).isEqualTo(DocumentRejectedException.Reason.WRONG_CHANNEL));
  }

  @Test
  void anS3StoreIsPolledWithConditionalGetsAndAFailingOneKeepsTheLastGoodSnapshot() throws Exception {
    PublishedStore published = new PublishedStore(dir);
    try (S3TestServer s3 = new S3TestServer(dir.resolve("s3"))) {
      s3.stop(); // the bucket is down when the server starts
      ServerMetrics metrics = new ServerMetrics();
      StoreChannelSource source =
          new StoreChannelSource(s3.store("tenant"), published.builder(), StoreChannelSource.Settings.polled(Duration.ofMillis(50), Duration.ofMillis(200)),
              metrics, published.pipeline.clock);
      try (ManifestServer server = ManifestServer.start(ServerConfig.defaults("127.0.0.1", 0, Optional.empty()), source, metrics)) {
        int port = server.port();
        HttpResponse<byte[]> notReady = published.get(port, "/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(json.readTree(notReady.body()).get("error").asText()).isEqualTo("not_ready");
        assertThat(published.get(port, BASE + "/index").statusCode()).isEqualTo(503);

        // the bucket comes up with the published store copied in
        java.util.Map<String, byte[]> pending = new java.util.LinkedHashMap<>();
        try (var files = Files.walk(published.root)) {
          for (Path file : files.filter(Files::isRegularFile).toList()) {
            String key = published.root.relativize(file).toString();
            if (!key.startsWith(".")) {
              pending.put("tenant/" + key, Files.readAllBytes(file));
            }
          }
        }
        s3.start();
        pending.forEach(s3::put);
        eventually(() -> {
          // The source schedules channel discovery by its clock, which this test moves by hand.
          published.pipeline.clock.advance(Duration.ofSeconds(1));
          try {
            return published.get(port, BASE + "/index").statusCode() == 200;
          } catch (Exception e) {
            return false;
          }
        }, "first load of the channel");
        assertThat(published.get(port, "/readyz").statusCode()).isEqualTo(200);
        assertThat(published.get(port, BASE + "/index").body()).isEqualTo(published.indexBytes());
        int before = s3.notModified.get();
        eventually(() -> s3.notModified.get() > before + 3, "conditional polls");

        double failuresBefore = failures(metrics);
        s3.stop();
        eventually(() -> failures(metrics) >= failuresBefore + 2, "failures seen");
        assertThat(published.get(port, BASE + "/index").body()).isEqualTo(published.indexBytes());
        assertThat(published.get(port, "/readyz").statusCode()).isEqualTo(200);

        // garbage in the bucket is refused too, and the good snapshot stays
        s3.start();
        s3.put("tenant/" + StoreLayout.index(new ChannelId(PublishedStore.APP, Pipeline.PLATFORM, PublishedStore.CHANNEL)), "garbage".getBytes(StandardCharsets.UTF_8));
        eventually(() -> metrics.scrape().contains("kivyx_ota_index_rejected_total{reason=\"signature\"} 1.0"), "garbage refused");
        assertThat(published.get(port, BASE + "/index").body()).isEqualTo(published.indexBytes());
      }
    }
  }

  static double failures(ServerMetrics metrics) {
    return metrics.scrape().lines().filter(l -> l.startsWith("kivyx_ota_source_failures_total ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1])).findFirst().orElse(0);
  }

  @Test
  void eventsAreRateLimitedPerClient() throws Exception {
    PublishedStore published = new PublishedStore(dir);
    ServerMetrics metrics = new ServerMetrics();
    ServerConfig config = ServerConfig.defaults("127.0.0.1", 0, Optional.of(published.root)).withEventRate(0.01, 3);
    try (ManifestServer server = ManifestServer.start(config, published.directorySource(Duration.ofMinutes(10), metrics), metrics)) {
      byte[] batch = ManifestServerTest.event("applied", "r1").getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 3; i++) {
        assertThat(published.post(server.port(), "/v1/events", batch, "application/json").statusCode()).isEqualTo(202);
      }
      HttpResponse<byte[]> limited = published.post(server.port(), "/v1/events", batch, "application/json");
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).isPresent();
      assertThat(json.readTree(limited.body()).get("error").asText()).isEqualTo("rate_limited");
      // others are still served
      assertThat(published.get(server.port(), BASE + "/index").statusCode()).isEqualTo(200);
      assertThat(metrics.scrape()).contains("kivyx_ota_rate_limited_requests_total 1.0")
          .contains("type=\"applied\"} 3.0");
    }
  }

  @Test
  void closingRefusesNewConnections() throws Exception {
    PublishedStore published = new PublishedStore(dir);
    ServerMetrics metrics = new ServerMetrics();
    ManifestServer server = ManifestServer.start(ServerConfig.defaults("127.0.0.1", 0, Optional.of(published.root)),
        published.directorySource(Duration.ofMinutes(10), metrics), metrics);
    int port = server.port();
    assertThat(published.get(port, "/healthz").statusCode()).isEqualTo(200);
    server.close();
    assertThatThrownBy(() -> new PublishedStore.Client().get(port, "/healthz")).isInstanceOf(java.io.IOException.class);
  }
}
