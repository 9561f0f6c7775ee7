package com.kivyx.ota.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.dashboard.writes.ChannelWrites;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.ChannelIndexUpdater;
import com.kivyx.ota.publish.Progress;
import com.kivyx.ota.store.S3Store;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.testing.S3TestServer;
import com.kivyx.ota.verify.ChannelVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static-mode writes on the S3 store (s3proxy, the S3 server of the other store tests): the
 * compare-and-swap is S3's conditional write, and a device's view is read back from S3.
 */
class ChannelWritesS3IT {
  private static final String CHANNEL = "/apps/com.kivyx.test/android/production";
  @TempDir static Path dir;
  private static S3TestServer s3;
  private static S3Store store;
  private static SampleStore sample;
  private static DashboardServer dashboard;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3TestServer(dir.resolve("s3"));
    sample = new SampleStore(dir);
    store = s3.store("writes");
    for (String key : sample.store.list("apps/")) {
      byte[] bytes = sample.store.read(key).orElseThrow().bytes();
      if (StoreLayout.channelOfIndex(key).isPresent()) {
        assertThat(store.compareAndSwap(key, bytes, Optional.empty(), StoreLayout.COSE_CONTENT_TYPE)).isTrue();
      } else {
        store.putImmutable(key, bytes, "application/octet-stream");
      }
    }
    Clock clock = Clock.systemUTC();
    dashboard = DashboardServer.start(new DashboardSettings("127.0.0.1", 0, "http://127.0.0.1:1"),
        new StoreCatalog(store, sample.pinnedKeys(), clock), RolloutSource.none(), Optional.empty(),
        Optional.of(new ChannelWrites(store, sample.signer, sample.pinnedKeys(), clock, Duration.ofDays(7))));
  }

  @AfterAll
  static void stop() throws Exception {
    if (dashboard != null) {
      dashboard.close();
    }
    if (store != null) {
      store.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void weightThenConflictOnS3() throws Exception {
    String page = get();
    String csrf = ChannelWritesTest.csrf(page);
    long seen = deviceView().version();
    HttpResponse<String> set = post("weight", "csrf=" + csrf + "&version=" + seen + "&release=r3&weight=75");
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(set.body()).contains("Signed index version " + (seen + 1));
    ChannelIndex after = deviceView();
    assertThat(after.version()).isEqualTo(seen + 1);
    assertThat(after.releases().stream().filter(r -> r.releaseId().equals("r3")).findFirst().orElseThrow().rollout().weight()).isEqualTo(7_500);

    // another publisher (kivyx-ota rollout) re-signs; the page's form still says seen + 1
    new ChannelIndexUpdater(store, sample.signer, sample.pinnedKeys(), Clock.systemUTC(), Duration.ofDays(7), Progress.SILENT)
        .apply(SampleStore.CHANNEL, ChannelChange.refresh());
    byte[] stored = store.read(StoreLayout.index(SampleStore.CHANNEL)).orElseThrow().bytes();
    HttpResponse<String> stale = post("revoke", "csrf=" + csrf + "&version=" + (seen + 1) + "&release=r3");
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(stale.body()).contains("Conflict: the index is now at version " + (seen + 2));
    assertThat(store.read(StoreLayout.index(SampleStore.CHANNEL)).orElseThrow().bytes()).isEqualTo(stored);
  }

  private static ChannelIndex deviceView() throws Exception {
    ChannelVerifier verifier = new ChannelVerifier(sample.pinnedKeys());
    ChannelIndex index = verifier.openIndex(SampleStore.CHANNEL, store.read(StoreLayout.index(SampleStore.CHANNEL)).orElseThrow().bytes());
    verifier.requireFresh(SampleStore.CHANNEL, index, Instant.now());
    return index;
  }

  private String get() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard.port() + CHANNEL)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private HttpResponse<String> post(String write, String form) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard.port() + CHANNEL + "/" + write))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://127.0.0.1:" + dashboard.port())
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
