package com.kivyx.ota.server;

import static com.kivyx.ota.server.PublishedStore.APP;
import static com.kivyx.ota.server.PublishedStore.BASE;
import static com.kivyx.ota.server.PublishedStore.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.rollout.DecisionFunction;
import com.kivyx.ota.rollout.Device;
import com.kivyx.ota.signing.CoseVerifier;
import com.kivyx.ota.store.StoreLayout;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The API over real HTTP, on a directory store published with core's pipeline. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManifestServerTest {
  PublishedStore published;
  ServerMetrics metrics;
  ManifestServer server;
  int port;
  final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    published = new PublishedStore(dir);
    metrics = new ServerMetrics();
    ServerConfig config = ServerConfig.defaults("127.0.0.1", 0, Optional.of(published.root)).withEventRate(1000, 1000);
    server = ManifestServer.start(config, published.directorySource(Duration.ofMinutes(10), metrics), metrics);
    port = server.port();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return published.get(port, path, headers);
  }

  JsonNode update(String query, String... headers) throws Exception {
    HttpResponse<byte[]> response = get(BASE + "/update?" + query, headers);
    assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return json.readTree(response.body());
  }

  void assertJsonError(HttpResponse<byte[]> response, int status) throws Exception {
    assertThat(response.statusCode()).as(text(response)).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("error").isTextual()).isTrue();
    assertThat(body.get("message").asText()).isNotBlank();
  }

  @Test
  void servesOnEpollWhereTheJarCarriesIt() {
    String arch = System.getProperty("os.arch");
    assumeTrue(System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64")), "epoll ships for Linux x86-64 and arm64 only");
    assertThat(server.nativeTransport()).as("Vert.x fell back to NIO: is netty-transport-native-epoll on the classpath?").isTrue();
  }

  @Test
  void servesTheSignedIndexWithAnETagAndAnswers304() throws Exception {
    HttpResponse<byte[]> response = get(BASE + "/index");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(published.indexBytes());
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/cose");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue(StoreLayout.INDEX_CACHE);
    String etag = response.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).startsWith("\"").endsWith("\"");

    HttpResponse<byte[]> again = get(BASE + "/index", "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(get(BASE + "/index", "If-None-Match", "\"other\", " + etag).statusCode()).isEqualTo(304);
    assertThat(get(BASE + "/index", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);

    // the store path of the index gives the same verified bytes (static mode)
    HttpResponse<byte[]> stored = get("/apps/" + APP + "/android/production/index.cose");
    assertThat(stored.body()).isEqualTo(response.body());
    assertThat(stored.headers().firstValue("ETag")).hasValue(etag);
  }

  @Test
  void updateAppliesTheDecisionFunctionWithTargeting() throws Exception {
    ChannelIndex index = new Documents().readChannelIndex(new CoseVerifier(published.keys()).verify(published.indexBytes(), ChannelIndex.CONTENT_TYPE).payload());

    JsonNode plain = update("deviceId=d-1&runtimeVersion=1.0.0");
    assertThat(plain.get("decision").asText()).isEqualTo("update");
    assertThat(plain.get("releaseId").asText()).isEqualTo("r1");
    assertThat(plain.get("mandatory").asBoolean()).isFalse();
    assertThat(Base64.getDecoder().decode(plain.get("index").asText())).isEqualTo(published.indexBytes());
    byte[] manifest = Base64.getDecoder().decode(plain.get("manifest").asText());
    assertThat(manifest).isEqualTo(published.store.read(published.r1.manifestRef().url()).orElseThrow().bytes());
    assertThat(new Documents().readReleaseManifest(new CoseVerifier(published.keys()).verify(manifest, ReleaseManifest.CONTENT_TYPE).payload()).releaseId())
        .isEqualTo("r1");
    assertThat(plain.get("manifestUrl").asText()).isEqualTo(published.r1.manifestRef().url());

    JsonNode german = update("deviceId=d-2&runtimeVersion=1.0.0&attr.country=DE");
    assertThat(german.get("releaseId").asText()).isEqualTo("r2");
    assertThat(german.get("mandatory").asBoolean()).isTrue();

    JsonNode onR1 = update("deviceId=d-2&runtimeVersion=1.0.0&currentReleaseId=r1&attr.country=DE&rnVersion=0.74.1&arch=arm64-v8a");
    assertThat(onR1.get("releaseId").asText()).isEqualTo("r2");
    JsonNode onR2 = update("deviceId=d-2&runtimeVersion=1.0.0&currentReleaseId=r2&attr.country=DE");
    assertThat(onR2.get("decision").asText()).isEqualTo("none");
    assertThat(onR2.has("manifest")).isFalse();
    JsonNode otherRuntime = update("deviceId=d-3&runtimeVersion=9.9.9&currentReleaseId=r1");
    assertThat(otherRuntime.get("decision").asText()).isEqualTo("rollBackToEmbedded");
    JsonNode embeddedOtherRuntime = update("deviceId=d-3&runtimeVersion=9.9.9");
    assertThat(embeddedOtherRuntime.get("decision").asText()).isEqualTo("none");

    for (int i = 0; i < 20; i++) { // the server agrees with core's function for any device
      Device device = new Device("dev-" + i, "1.0.0", Optional.of("r1"), Optional.empty(), Optional.empty(), i % 2 == 0 ? Map.of("country", "DE") : Map.of());
      JsonNode answer = update("deviceId=dev-" + i + "&runtimeVersion=1.0.0&currentReleaseId=r1" + (i % 2 == 0 ? "&attr.country=DE" : ""));
      assertThat(answer.get("decision").asText()).isEqualTo(DecisionFunction.decide(index, device).kind().wireName());
    }

    HttpResponse<byte[]> first = get(BASE + "/update?deviceId=d-2&runtimeVersion=1.0.0&attr.country=DE");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    assertThat(first.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
    assertThat(get(BASE + "/update?deviceId=d-2&runtimeVersion=1.0.0&attr.country=DE", "If-None-Match", etag).statusCode()).isEqualTo(304);
    // a different answer has a different ETag
    HttpResponse<byte[]> other = get(BASE + "/update?deviceId=d-1&runtimeVersion=1.0.0", "If-None-Match", etag);
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.headers().firstValue("ETag")).isNotEqualTo(Optional.of(etag));
  }

  @Test
  void updateWritesTheBytesTheDecisionFunctionsAnswerHasForEveryDevice() throws Exception {
    // The server decides with its prepared ChannelDecider and writes a prebuilt buffer; the
    // reference is core's DecisionFunction and the answer's own bytes, device by device.
    ChannelSnapshot channel = server.source().snapshot().orElseThrow().channels().values().stream()
        .filter(c -> c.key().appId().equals(APP)).findFirst().orElseThrow();
    List<Optional<String>> currents = List.of(Optional.empty(), Optional.of("r1"), Optional.of("r2"), Optional.of("r-unknown"));
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      Optional<String> current = currents.get(i % currents.size());
      boolean german = i % 3 == 0;
      String runtime = i % 7 == 0 ? "9.9.9" : "1.0.0";
      Device device = new Device("fleet-" + i, runtime, current, Optional.empty(), Optional.empty(), german ? Map.of("country", "DE") : Map.of());
      HttpResponse<byte[]> response = get(BASE + "/update?deviceId=fleet-" + i + "&runtimeVersion=" + runtime
          + current.map(c -> "&currentReleaseId=" + c).orElse("") + (german ? "&attr.country=DE" : ""));
      Answer expected = channel.answers().forDecision(DecisionFunction.decide(channel.index(), device));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).as("device %d", i).isEqualTo(expected.body());
      assertThat(response.headers().firstValue("ETag")).hasValue(expected.etag());
      seen.add(expected.etag());
    }
    assertThat(seen).as("distinct answers among the devices").hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void servesBlobsWithRangesImmutableCachingAndTheirContentType() throws Exception {
    var launch = published.r2.manifest().launchAsset();
    byte[] content = Files.readAllBytes(published.root.resolve(launch.url()));
    HttpResponse<byte[]> whole = get("/" + launch.url());
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(content);
    assertThat(whole.headers().firstValue("Content-Type")).hasValue("application/javascript");
    assertThat(whole.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
    assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");

    HttpResponse<byte[]> part = get("/" + launch.url(), "Range", "bytes=10-19");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(content, 10, 20));
    assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 10-19/" + content.length);
    HttpResponse<byte[]> tail = get("/" + launch.url(), "Range", "bytes=-5");
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(content, content.length - 5, content.length));
    HttpResponse<byte[]> open = get("/" + launch.url(), "Range", "bytes=" + (content.length - 3) + "-");
    assertThat(open.body()).hasSize(3);
    HttpResponse<byte[]> beyond = get("/" + launch.url(), "Range", "bytes=" + content.length + "-");
    assertJsonError(beyond, 416);
    assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */" + content.length);
    assertThat(get("/" + launch.url(), "If-None-Match", "\"" + launch.sha256() + "\"").statusCode()).isEqualTo(304);

    var delta = published.r2.manifest().deltas().get(0);
    assertThat(get("/" + delta.url()).headers().firstValue("Content-Type")).hasValue("application/vnd.kivyx.ota.kvxd1");
    assertThat(get("/" + published.r2.manifestRef().url()).headers().firstValue("Content-Type")).hasValue("application/cose");
    assertJsonError(get("/apps/" + APP + "/blobs/sha256/" + "0".repeat(64)), 404);
  }

  @Test
  void badInputGetsAJsonError() throws Exception {
    assertJsonError(get("/apps/" + APP + "/../../../etc/passwd"), 400);
    assertJsonError(get("/apps/%2e%2e/%2e%2e/etc/passwd"), 400);
    assertJsonError(get("/apps/.kivyx-locks/x"), 400);
    assertJsonError(get("/apps/" + APP + "/android/releases/r1.json"), 404); // publisher bookkeeping is not served
    assertJsonError(get("/v1/apps/" + APP + "/android/channels/nope/index"), 404);
    assertJsonError(get("/v1/apps/other.app/android/channels/production/update?deviceId=d&runtimeVersion=1"), 404);
    assertJsonError(get("/v1/apps/" + APP + "/windows/channels/production/index"), 404);
    assertJsonError(get(BASE + "/update?runtimeVersion=1.0.0"), 400);
    assertJsonError(get(BASE + "/update?deviceId=d"), 400);
    assertJsonError(get(BASE + "/update?deviceId=d&runtimeVersion=1&currentReleaseId=..%2Fx"), 400);
    assertThat(raw("GET " + BASE + "/update?deviceId=%zz&runtimeVersion=1 HTTP/1.1")).startsWith("HTTP/1.1 400").contains("\"error\"");
    assertThat(raw("GET /apps/" + APP + "/blobs/sha256/..%2F..%2Fx HTTP/1.1")).startsWith("HTTP/1.1 400");
    assertThat(raw("GARBAGE")).startsWith("HTTP/1.").contains(" 400 ").contains("\"error\"");
    assertJsonError(get(BASE + "/update?deviceId=a&deviceId=b&runtimeVersion=1"), 400);
    assertJsonError(get(BASE + "/update?deviceId=" + "x".repeat(200) + "&runtimeVersion=1"), 400);
    assertJsonError(get(BASE + "/update?deviceId=d&runtimeVersion=1&attr.bad%20name=x"), 400);
    assertJsonError(get(BASE + "/update?deviceId=d%0A&runtimeVersion=1"), 400);
    assertJsonError(get("/v1/nothing"), 404);
    assertJsonError(get(BASE + "/update?deviceId=" + "x".repeat(20_000) + "&runtimeVersion=1"), 414);
    assertJsonError(published.post(port, BASE + "/index", new byte[0], "application/json"), 405);
    assertJsonError(get("/v1/events"), 405);

    assertJsonError(published.post(port, "/v1/events", "{".getBytes(StandardCharsets.UTF_8), "application/json"), 400);
    assertJsonError(published.post(port, "/v1/events", "{\"events\":[]}".getBytes(StandardCharsets.UTF_8), "application/json"), 400);
    assertJsonError(published.post(port, "/v1/events", "[1,2]".getBytes(StandardCharsets.UTF_8), "application/json"), 400);
    assertJsonError(published.post(port, "/v1/events", event("exploded", "r1").getBytes(StandardCharsets.UTF_8), "application/json"), 400);
    assertJsonError(published.post(port, "/v1/events", event("crashed", "r1").getBytes(StandardCharsets.UTF_8), "text/plain"), 415);
    byte[] huge = ("{\"events\":[" + "{},".repeat(40_000) + "{}]}").getBytes(StandardCharsets.UTF_8);
    assertJsonError(published.post(port, "/v1/events", huge, "application/json"), 413);
    // and the server still answers afterwards
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  /** One request line over a plain socket, for what java.net.http refuses to send. */
  String raw(String requestLine) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write((requestLine + "\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  static String event(String type, String releaseId) {
    return "{\"events\":[{\"type\":\"" + type + "\",\"appId\":\"" + APP + "\",\"platform\":\"android\",\"channel\":\"production\","
        + "\"releaseId\":\"" + releaseId + "\",\"deviceId\":\"d-1\",\"time\":\"2026-11-27T10:00:00Z\"}]}";
  }

  @Test
  void eventsAreCountedInMetrics() throws Exception {
    HttpResponse<byte[]> accepted = published.post(port, "/v1/events", event("crashed", "r2").getBytes(StandardCharsets.UTF_8), "application/json");
    assertThat(accepted.statusCode()).as(text(accepted)).isEqualTo(202);
    assertThat(json.readTree(accepted.body()).get("accepted").asInt()).isEqualTo(1);
    published.post(port, "/v1/events", event("healthy", "made-up-release").getBytes(StandardCharsets.UTF_8), "application/json");
    String unknownChannel = event("healthy", "r1").replace("\"production\"", "\"nosuch\"");
    assertThat(json.readTree(published.post(port, "/v1/events", unknownChannel.getBytes(StandardCharsets.UTF_8), "application/json").body()).get("accepted").asInt())
        .isZero();

    HttpResponse<byte[]> scrape = get("/metrics");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    String text = text(scrape);
    assertThat(text).contains(
        "kivyx_ota_device_events_total{app=\"" + APP + "\",channel=\"production\",platform=\"android\",reason=\"none\",release=\"r2\",type=\"crashed\"} 1.0");
    assertThat(text).contains("reason=\"none\",release=\"other\",type=\"healthy\"} 1.0"); // a release never on the channel is not a label
    assertThat(text).contains("kivyx_ota_device_events_dropped_total{reason=\"unknown_channel\"}");
    assertThat(text).doesNotContain("nosuch").doesNotContain("made-up-release");
    assertThat(text).contains("kivyx_ota_http_requests_seconds_bucket{route=\"events\",status=\"202\"");
    assertThat(text).contains("kivyx_ota_channels 1.0");
  }

  static String eventWith(String type, String releaseId, String extra) {
    return event(type, releaseId).replace("\"time\"", extra + ",\"time\"");
  }

  @Test
  void reasonsAreABoundedLabelAndDetailIsNever() throws Exception {
    String before = text(get("/metrics"));
    // every served release's series exist at 0 before its first event, or Prometheus misses that event
    String r1 = "app=\"" + APP + "\",channel=\"production\",platform=\"android\",";
    assertThat(before).contains(r1 + "reason=\"none\",release=\"r1\",type=\"downloaded\"} 0.0");
    assertThat(before).contains(r1 + "reason=\"crashedBeforeJs\",release=\"r1\",type=\"rolledBack\"} 0.0");
    assertThat(before).contains(r1 + "reason=\"other\",release=\"other\",type=\"rolledBack\"} 0.0");

    assertThat(published.post(port, "/v1/events", eventWith("rolledBack", "r1", "\"reason\":\"crashedBeforeJs\",\"detail\":\"secret-detail\"")
        .getBytes(StandardCharsets.UTF_8), "application/json").statusCode()).isEqualTo(202);
    assertThat(published.post(port, "/v1/events", eventWith("rolledBack", "r1", "\"reason\":\"invented-by-a-client\"")
        .getBytes(StandardCharsets.UTF_8), "application/json").statusCode()).isEqualTo(202);
    assertJsonError(published.post(port, "/v1/events", eventWith("rolledBack", "r1", "\"reason\":7").getBytes(StandardCharsets.UTF_8), "application/json"), 400);
    assertJsonError(published.post(port, "/v1/events", eventWith("rolledBack", "r1", "\"reason\":\"" + "x".repeat(65) + "\"")
        .getBytes(StandardCharsets.UTF_8), "application/json"), 400);

    String after = text(get("/metrics"));
    assertThat(after).contains(r1 + "reason=\"crashedBeforeJs\",release=\"r1\",type=\"rolledBack\"} 1.0");
    assertThat(after).contains(r1 + "reason=\"other\",release=\"r1\",type=\"rolledBack\"} 1.0");
    assertThat(after).doesNotContain("secret-detail").doesNotContain("invented-by-a-client");
  }

  @Test
  void healthAndReadinessAndTheOpenApiDocument() throws Exception {
    assertThat(text(get("/healthz"))).isEqualTo("{\"status\":\"ok\"}");
    assertThat(text(get("/readyz"))).isEqualTo("{\"channels\":1,\"status\":\"ready\"}");
    HttpResponse<byte[]> openapi = get("/openapi.yaml");
    assertThat(text(openapi)).startsWith("openapi: 3.0");
  }

  @Test
  void theIndexCoversBothPlatformNamesOnlyWhenPublished() throws Exception {
    assertThat(Platform.of("android")).isEqualTo(Platform.ANDROID);
    assertJsonError(get("/v1/apps/" + APP + "/ios/channels/production/index"), 404);
  }
}
