package com.kivyx.ota.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.dashboard.writes.ChannelWrites;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.verify.ChannelVerifier;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static-mode writes over real HTTP on a real published directory store; afterwards the index is
 * read back the way a device reads it ({@link ChannelVerifier} with the pinned key).
 */
class ChannelWritesTest {
  private static final String CHANNEL = "/apps/com.kivyx.test/android/production";
  @TempDir Path dir;
  private SampleStore sample;
  private DashboardServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    sample = new SampleStore(dir);
    server = start(true);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void setWeightSignsTheNextVersionWhichADeviceAccepts() throws Exception {
    String token = csrf(get(CHANNEL).body());
    HttpResponse<String> response = post("weight", Map.of("csrf", token, "version", "3", "release", "r3", "weight", "12.5"), sameOrigin());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("Signed index version 4 (set r3 to 12.50%, key dash-v1)");
    ChannelIndex index = deviceView();
    assertThat(index.version()).isEqualTo(4);
    assertThat(release(index, "r3").rollout().weight()).isEqualTo(1_250);
    assertThat(release(index, "r3").rollout().id()).as("buckets stay").isEqualTo("production/r3");
    assertThat(release(index, "r2").rollout().weight()).isEqualTo(10_000);
    assertThat(response.body()).as("the page shows the new index").contains("<dt>Version</dt><dd>4</dd>", "value=\"12.5\"");
  }

  @Test
  void revokeTakesTheReleaseOffForGood() throws Exception {
    HttpResponse<String> response = post("revoke", Map.of("csrf", csrf(get(CHANNEL).body()), "version", "3", "release", "r2"), sameOrigin());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("Signed index version 4 (revoke r2");
    ChannelIndex index = deviceView();
    assertThat(index.revoked()).containsExactly("r2");
    assertThat(index.releases()).extracting(ChannelRelease::releaseId).containsExactly("r3"); // r1 was pruned when r2 reached 100%
  }

  @Test
  void resignSignsAFreshExpiryWithTheSameReleases() throws Exception {
    ChannelIndex before = deviceView();
    HttpResponse<String> response = post("resign", Map.of("csrf", csrf(get(CHANNEL).body()), "version", "3"), sameOrigin());
    assertThat(response.statusCode()).isEqualTo(200);
    ChannelIndex after = deviceView();
    assertThat(after.version()).isEqualTo(4);
    assertThat(after.releases()).isEqualTo(before.releases());
    assertThat(after.issuedAtInstant()).isAfterOrEqualTo(before.issuedAtInstant());
    assertThat(Duration.between(after.issuedAtInstant(), after.expiresAtInstant())).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void aChangeMadeMeanwhileIsAConflictAndNothingIsWritten() throws Exception {
    String page = get(CHANNEL).body(); // the person sees version 3
    sample.pipeline.updater().apply(SampleStore.CHANNEL, ChannelChange.setWeight("r3", 100)); // someone else: version 4
    byte[] stored = indexBytes();
    HttpResponse<String> response = post("weight", Map.of("csrf", csrf(page), "version", "3", "release", "r3", "weight", "90"), sameOrigin());
    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.body()).contains("Conflict: the index is now at version 4, not version 3 that this page showed", "Nothing was written.");
    assertThat(indexBytes()).isEqualTo(stored);
    assertThat(release(deviceView(), "r3").rollout().weight()).isEqualTo(100);
  }

  @Test
  void crossSiteOrTokenlessPostsAreRefusedAndNothingIsWritten() throws Exception {
    String token = csrf(get(CHANNEL).body());
    byte[] stored = indexBytes();
    Map<String, String> form = Map.of("csrf", token, "version", "3", "release", "r3", "weight", "100");
    HttpResponse<String> crossSite = post("weight", form, Optional.of("https://evil.example"));
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(crossSite.body()).contains("came from another site");
    HttpResponse<String> noToken = post("weight", Map.of("version", "3", "release", "r3", "weight", "100"), Optional.empty());
    assertThat(noToken.statusCode()).as("no Origin (an old browser, a plugin) and no token").isEqualTo(403);
    assertThat(noToken.body()).contains("CSRF token is missing or wrong");
    HttpResponse<String> wrongToken = post("weight", Map.of("csrf", token.substring(1) + "A", "version", "3", "release", "r3", "weight", "100"), sameOrigin());
    assertThat(wrongToken.statusCode()).isEqualTo(403);
    assertThat(indexBytes()).isEqualTo(stored);
  }

  @Test
  void badInputIsRefusedWithTheReason() throws Exception {
    String token = csrf(get(CHANNEL).body());
    byte[] stored = indexBytes();
    HttpResponse<String> tooMuch = post("weight", Map.of("csrf", token, "version", "3", "release", "r3", "weight", "150"), sameOrigin());
    assertThat(tooMuch.statusCode()).isEqualTo(400);
    assertThat(tooMuch.body()).contains("'150' must be a percentage from 0 to 100");
    HttpResponse<String> unknown = post("weight", Map.of("csrf", token, "version", "3", "release", "r9", "weight", "5"), sameOrigin());
    assertThat(unknown.statusCode()).isEqualTo(422);
    assertThat(unknown.body()).contains("release r9 is not on this channel");
    assertThat(post("revoke", Map.of("csrf", token, "version", "x", "release", "r3"), sameOrigin()).statusCode()).isEqualTo(400);
    assertThat(indexBytes()).isEqualTo(stored);
  }

  @Test
  void withoutTheSigningKeyThePageIsReadOnlyAndAPostIsRefused() throws Exception {
    server.close();
    server = start(false);
    String page = get(CHANNEL).body();
    assertThat(page).doesNotContain("Set weight", "name=\"csrf\"").contains("Read-only: start the dashboard with <code>--signing-key</code>");
    byte[] stored = indexBytes();
    HttpResponse<String> refused = post("weight", Map.of("version", "3", "release", "r3", "weight", "100"), sameOrigin());
    assertThat(refused.statusCode()).isEqualTo(405);
    assertThat(refused.headers().firstValue("Allow")).hasValue("GET");
    assertThat(refused.body()).contains("started without --signing-key");
    assertThat(indexBytes()).isEqualTo(stored);
  }

  // ---------------------------------------------------------------- fixtures

  private DashboardServer start(boolean writes) {
    Clock clock = Clock.systemUTC();
    return DashboardServer.start(new DashboardSettings("127.0.0.1", 0, "http://devices.test:8080"),
        new StoreCatalog(sample.store, sample.pinnedKeys(), clock), RolloutSource.none(), Optional.empty(),
        writes ? Optional.of(new ChannelWrites(sample.store, sample.signer, sample.pinnedKeys(), clock, Duration.ofDays(2))) : Optional.empty());
  }

  private ChannelIndex deviceView() throws Exception {
    ChannelVerifier verifier = new ChannelVerifier(sample.pinnedKeys());
    ChannelIndex index = verifier.openIndex(SampleStore.CHANNEL, indexBytes());
    verifier.requireFresh(SampleStore.CHANNEL, index, java.time.Instant.now());
    return index;
  }

  private byte[] indexBytes() {
    return sample.store.read(StoreLayout.index(SampleStore.CHANNEL)).orElseThrow().bytes();
  }

  private static ChannelRelease release(ChannelIndex index, String id) {
    return index.releases().stream().filter(r -> r.releaseId().equals(id)).findFirst().orElseThrow();
  }

  static String csrf(String html) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([A-Za-z0-9_-]+)\"").matcher(html);
    assertThat(m.find()).as("a write form with a CSRF token").isTrue();
    return m.group(1);
  }

  private Optional<String> sameOrigin() {
    return Optional.of("http://127.0.0.1:" + server.port());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String write, Map<String, String> form, Optional<String> origin) throws Exception {
    String body = new LinkedHashMap<>(form).entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + CHANNEL + "/" + write))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    origin.ifPresent(o -> request.header("Origin", o));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
