package com.kivyx.ota.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.rollout.Buckets;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.verify.ChannelVerifier;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pages' handlers over real HTTP on a real published directory store (no browser). */
class DashboardServerTest {
  @TempDir Path dir;
  private SampleStore sample;
  private DashboardServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    sample = new SampleStore(dir);
    server = DashboardServer.start(new DashboardSettings("127.0.0.1", 0, "http://devices.test:8080"),
        new StoreCatalog(sample.store, sample.pinnedKeys(), Clock.systemUTC()), RolloutSource.none(), Optional.empty());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void overviewShowsEachChannelWithReleasesWeightsAndKey() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
    assertThat(page.body())
        .contains(SampleStore.APP, "<strong>production</strong> on android", "key <code>dash-v1</code>", "runtime <code>1.0.0</code>", "runtime <code>2.0.0</code>")
        .contains("/apps/com.kivyx.test/android/production/releases/r3\">r3</a>", "50%")
        .contains("no index"); // ios has none
  }

  @Test
  void channelPageDecodesTheSignedIndex() throws Exception {
    String body = get("/apps/com.kivyx.test/android/production").body();
    assertThat(body).contains("<dt>Version</dt><dd>3</dd>", "<code>production/r3</code>", "5000 bp", "attribute tier in beta");
  }

  @Test
  void verifyPassesOnIntactStoreAndNamesEachProblemAfterDamage() throws Exception {
    assertThat(post("/apps/com.kivyx.test/android/production/verify", Optional.empty()).body()).contains("<strong>OK</strong>", "2 release(s)");
    // damage r2's launch bundle in place, as a bad copy or a disk error would
    String manifestKey = StoreLayout.blob(SampleStore.APP, "");
    Path blobs = sample.root.resolve(manifestKey);
    Path victim;
    try (var files = Files.list(blobs)) {
      victim = files.filter(p -> {
        try {
          return Files.readString(p).startsWith("/* bundle 2 */");
        } catch (Exception e) {
          return false;
        }
      }).findFirst().orElseThrow();
    }
    Files.writeString(victim, "/* bundle 2 */ tampered");
    String body = post("/apps/com.kivyx.test/android/production/verify", Optional.empty()).body();
    assertThat(body).contains("problem(s)</strong> found", "release r2 index.android.bundle", victim.getFileName().toString());
  }

  @Test
  void indexSignedByAnUnpinnedKeyIsRefusedNotShown() throws Exception {
    ChannelIndex index = new ChannelVerifier(sample.pinnedKeys())
        .openIndex(SampleStore.CHANNEL, sample.store.read(StoreLayout.index(SampleStore.CHANNEL)).orElseThrow().bytes());
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    // the pinned kid on other key material: what a forger would try
    LocalKeySigner forger = new LocalKeySigner("dash-v1", (ECPrivateKey) generator.generateKeyPair().getPrivate());
    byte[] forged = CoseSign1.sign(forger, ChannelIndex.CONTENT_TYPE, new Documents().write(index));
    Files.write(sample.root.resolve(StoreLayout.index(SampleStore.CHANNEL)), forged);
    String body = get("/apps/com.kivyx.test/android/production").body();
    assertThat(body).contains("No index a device would accept", "index refused").doesNotContain("production/r3");
    assertThat(get("/").body()).contains("Refused:").doesNotContain("releases/r3");
  }

  @Test
  void releasePageShowsManifestAndDeltaSaving() throws Exception {
    String body = get("/apps/com.kivyx.test/android/production/releases/r2").body();
    assertThat(body).contains("Release r2", "<code>dash-v1</code>", "release r2", "kvxd1", "r1 <span class=\"muted\">(not on this channel now)</span>");
    assertThat(body).containsPattern("class=\"saving\">[0-9]{2}\\.[0-9]%");
    assertThat(get("/apps/com.kivyx.test/android/production/releases/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void withoutAMetricsSourceTheReleasePageSaysHowToGetDeviceNumbers() throws Exception {
    String body = get("/apps/com.kivyx.test/android/production/releases/r2?range=nonsense&baseline=%22%3E%3Cscript%3E").body();
    assertThat(body).contains("id=\"metrics-off\"", "--prometheus-url", "--metrics-url")
        .doesNotContain("id=\"funnel\"", "class=\"plot\"", "<script>");
  }

  @Test
  void explainerGivesEachReleaseItsVerdictAndTheCurl() throws Exception {
    String body = get("/apps/com.kivyx.test/android/production/explain?deviceId=dev-1&runtimeVersion=1.0.0&currentReleaseId=r1").body();
    assertThat(body).contains("data-kind=\"update\" data-release=\"r2\"", "Update to r2")
        .contains("<strong>runtime</strong>: built for another runtime version") // r3 is for 2.0.0
        .contains("curl -s 'http://devices.test:8080/v1/apps/com.kivyx.test/android/channels/production/update?deviceId=dev-1&amp;runtimeVersion=1.0.0&amp;currentReleaseId=r1'");
  }

  @Test
  void explainerShowsTargetingAndBucketVerdicts() throws Exception {
    String inside = device(true);
    String outside = device(false);
    assertThat(get(explain(outside, "")).body()).contains("<strong>targeting</strong>");
    assertThat(get(explain(outside, "tier%3Dbeta")).body()).contains("<strong>bucket ≥ weight</strong>", "data-kind=\"none\"");
    assertThat(get(explain(inside, "tier%3Dbeta")).body()).contains("data-kind=\"update\" data-release=\"r3\"");
  }

  @Test
  void explainerRefusesWhatTheServerWouldAndEscapesWhatItEchoes() throws Exception {
    HttpResponse<String> bad = get("/apps/com.kivyx.test/android/production/explain?deviceId=%3Cscript%3Ex&runtimeVersion=1.0.0&attributes=no-equals-sign");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("NAME=VALUE per line").contains("value=\"&lt;script>x\"").doesNotContain("<script>x");
  }

  @Test
  void postFromAnotherSiteIsRefused() throws Exception {
    HttpResponse<String> refused = post("/apps/com.kivyx.test/android/production/verify", Optional.of("https://evil.example"));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("came from another site");
    assertThat(post("/apps/com.kivyx.test/android/production/verify", Optional.of("null")).statusCode()).as("a sandboxed frame").isEqualTo(403);
    assertThat(post("/apps/com.kivyx.test/android/production/verify", Optional.of("http://127.0.0.1:1")).statusCode()).as("another port").isEqualTo(403);
    assertThat(post("/apps/com.kivyx.test/android/production/verify", Optional.of("http://127.0.0.1:" + server.port())).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownPathsAndReadOnlyButtonsAnswerClearly() throws Exception {
    assertThat(get("/apps/bad%20app/android/x").statusCode()).isEqualTo(404);
    assertThat(get("/webjars/htmx.org/2.0.4/dist/htmx.min.js").statusCode()).isEqualTo(200);
    HttpResponse<String> rollout = post("/namespaces/ns/rollouts/r/promote", Optional.empty());
    assertThat(rollout.statusCode()).isEqualTo(403);
  }

  private static String explain(String deviceId, String attributes) {
    return "/apps/com.kivyx.test/android/production/explain?deviceId=" + deviceId + "&runtimeVersion=2.0.0&attributes=" + attributes;
  }

  /** A device id whose bucket in r3's rollout is inside (or outside) its 50% weight. */
  private static String device(boolean inside) {
    return IntStream.range(0, 1000).mapToObj(i -> "device-" + i)
        .filter(d -> (Buckets.bucket("production/r3", d) < 5_000) == inside).findFirst().orElseThrow();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, Optional<String> origin) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).POST(HttpRequest.BodyPublishers.noBody());
    origin.ifPresent(o -> request.header("Origin", o));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
