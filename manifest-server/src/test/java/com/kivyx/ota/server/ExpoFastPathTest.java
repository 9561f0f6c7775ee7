package com.kivyx.ota.server;

import static com.kivyx.ota.server.PublishedStore.APP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.expo.ExpoCodeSigning;
import com.kivyx.ota.expo.ExpoKeys;
import com.kivyx.ota.expo.ExpoManifestBuilder;
import com.kivyx.ota.expo.ExpoReleasePublisher;
import com.kivyx.ota.expo.ExpoUpdateIds;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.publish.Progress;
import com.kivyx.ota.publish.PublishedRelease;
import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.rollout.DecisionFunction;
import com.kivyx.ota.rollout.Device;
import com.kivyx.ota.server.expo.ExpoApi;
import com.kivyx.ota.server.expo.ExpoChannel;
import com.kivyx.ota.server.expo.ExpoResponse;
import com.kivyx.ota.server.expo.ExpoTelemetry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Expo manifest route with prepared headers and bodies, remembered routes and Accept
 * headers, against the reference: core's decision function over the channel index, then the
 * answer the snapshot built for that decision, compared over HTTP header by header and byte by
 * byte for a fleet of devices.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpoFastPathTest {
  static final String PATH = "/v1/apps/" + APP + "/expo/manifest";
  PublishedStore published;
  ManifestServer server;
  /** The same store without {@link PollFastPath}: Vert.x writes every answer. */
  ManifestServer general;
  int port;
  final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    published = new PublishedStore(dir);
    // r3 reaches half of the fleet, so devices of one runtime get different answers
    PublishedRelease r3 = published.publish("r3", 3, 3);
    published.offer(r3, 5_000, false, null);
    ExpoKeys.Generated keys = ExpoKeys.generate("fast-path", Duration.ofDays(30), Instant.now());
    ExpoReleasePublisher expo = new ExpoReleasePublisher(published.store, new ExpoManifestBuilder("http://127.0.0.1:1/"),
        Optional.of(new ExpoCodeSigning(keys.keyPair().getPrivate(), "main", Optional.of(keys.certificatePem()))), Optional.empty(), Progress.SILENT);
    for (PublishedRelease r : List.of(published.r1, published.r2, r3)) {
      expo.publish(r.manifest(), Optional.empty());
    }
    ServerConfig config = ServerConfig.defaults("127.0.0.1", 0, Optional.of(published.root));
    server = ManifestServer.start(config, published.directorySource(Duration.ofMinutes(10), new ServerMetrics()), new ServerMetrics());
    general = ManifestServer.start(config, published.directorySource(Duration.ofMinutes(10), new ServerMetrics()), new ServerMetrics(), List.of(),
        BlobCache.defaults(), false);
    port = server.port();
  }

  @AfterAll
  void stop() {
    server.close();
    general.close();
  }

  @Test
  void answersFromThePipelineAreTheBytesVertxWritesAndErrorsStayWithVertx() throws Exception {
    long before = server.fastPolls();
    int prepared = 0;
    for (int i = 0; i < 120; i++) {
      List<String> headers = new ArrayList<>(List.of("expo-platform: android", "expo-runtime-version: " + (i % 7 == 0 ? "9.9.9" : "1.0.0"),
          "expo-protocol-version: 1", "accept: " + (i % 3 == 0 ? "application/json" : "multipart/mixed,application/expo+json,application/json")));
      if (i % 11 != 0) {
        headers.add("eas-client-id: raw-" + i);
      }
      if (i % 4 == 0) {
        headers.add("expo-current-update-id: " + updateId("r1"));
      }
      if (i % 10 == 9) {
        headers.set(0, "expo-platform: windows"); // an error: built per request, so Vert.x writes it
      } else {
        prepared++;
      }
      String request = PollFastPathTest.get(PATH, headers.toArray(String[]::new));
      assertThat(PollFastPathTest.exchange(server, request).get(0)).as(request).isEqualTo(PollFastPathTest.exchange(general, request).get(0));
    }
    assertThat(server.fastPolls() - before).as("every answer but the errors from the pipeline").isEqualTo(prepared);
  }

  String updateId(String releaseId) {
    return ExpoUpdateIds.updateId(APP, Platform.ANDROID, releaseId).toString();
  }

  @Test
  void everyDeviceGetsTheAnswerOfItsDecisionAsBuilt() throws Exception {
    ChannelSnapshot channel = server.source().snapshot().orElseThrow().channels().values().stream()
        .filter(c -> c.key().appId().equals(APP)).findFirst().orElseThrow();
    ExpoChannel expo = channel.expo();
    assertThat(expo.updates()).containsOnlyKeys("r1", "r2", "r3");
    String unknown = "0f0f0f0f-0000-4000-8000-000000000001";
    List<Optional<String>> currents = List.of(Optional.empty(), Optional.of(updateId("r1")), Optional.of(updateId("r3")),
        Optional.of(updateId("r3").toUpperCase(Locale.ROOT)), Optional.of(unknown));
    // Accept as devices send it, and the format each one gets
    List<String[]> accepts = List.of(
        new String[] {"multipart/mixed,application/expo+json,application/json", "multipart"},
        new String[] {null, "multipart"},
        new String[] {"application/expo+json", "expoJson"},
        new String[] {"application/json", "json"},
        new String[] {"application/json;q=0.5, multipart/mixed;q=0.4", "json"});
    Set<String> kinds = new HashSet<>();
    Set<Integer> bodies = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      Optional<String> current = currents.get(i % currents.size());
      String[] accept = accepts.get((i / 5) % accepts.size());
      String runtime = i % 7 == 0 ? "9.9.9" : "1.0.0";
      boolean anonymous = i % 11 == 0;
      boolean embedded = i % 13 == 0 && current.isPresent();
      List<String> headers = new ArrayList<>(List.of("expo-platform", i % 17 == 0 ? "ANDROID" : "android", "expo-runtime-version", runtime,
          "expo-protocol-version", "1"));
      if (i % 3 == 0) {
        headers.addAll(List.of("expo-channel-name", "production"));
      }
      if (!anonymous) {
        headers.addAll(List.of("eas-client-id", "expo-fleet-" + i));
      }
      current.ifPresent(c -> headers.addAll(List.of("expo-current-update-id", c)));
      if (embedded) {
        headers.addAll(List.of("expo-embedded-update-id", current.get()));
      }
      if (accept[0] != null) {
        headers.addAll(List.of("accept", accept[0]));
      }

      // the reference: what ExpoApi's contract says, from core's decision function
      Optional<String> currentRelease = current.filter(c -> !embedded).map(c -> c.toLowerCase(Locale.ROOT))
          .map(c -> expo.releaseByUpdateId().getOrDefault(c, "expo-update:" + c));
      Device device = new Device(anonymous ? "expo-anonymous" : "expo-fleet-" + i, runtime, currentRelease, Optional.empty(), Optional.empty(), Map.of());
      Decision decision = DecisionFunction.decide(channel.index(), device);
      ExpoResponse expected = switch (decision.kind()) {
        case NONE -> noContent();
        case UPDATE -> {
          ExpoChannel.Update u = expo.updates().get(decision.releaseId().orElseThrow());
          yield switch (accept[1]) {
            case "multipart" -> u.multipart();
            case "expoJson" -> u.expoJson();
            default -> u.json();
          };
        }
        case ROLL_BACK_TO_EMBEDDED -> !accept[1].equals("multipart")
            ? noContent()
            : currentRelease.map(expo.rollBacks()::get).or(expo::latestRollBack).orElseThrow();
      };
      kinds.add(decision.kind() + " " + accept[1]);

      HttpResponse<byte[]> response = published.get(port, PATH, headers.toArray(String[]::new));
      String what = "device " + i + " " + headers;
      assertThat(response.statusCode()).as(what).isEqualTo(expected.status());
      assertThat(response.body()).as(what).isEqualTo(expected.body());
      Set<String> names = new TreeSet<>();
      for (Map.Entry<String, String> h : expected.headers()) {
        assertThat(response.headers().allValues(h.getKey())).as(what + " " + h.getKey()).containsExactly(h.getValue());
        names.add(h.getKey().toLowerCase(Locale.ROOT));
      }
      if (expected.status() != 204) {
        names.add("content-length");
      }
      assertThat(new TreeSet<>(response.headers().map().keySet().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList())).as(what).isEqualTo(names);
      bodies.add(java.util.Arrays.hashCode(response.body()));
    }
    // the fleet reaches every answer kind in every format it can have
    assertThat(kinds).contains("NONE multipart", "UPDATE multipart", "UPDATE expoJson", "UPDATE json", "ROLL_BACK_TO_EMBEDDED multipart", "ROLL_BACK_TO_EMBEDDED json");
    assertThat(bodies).as("distinct bodies").hasSizeGreaterThanOrEqualTo(6);
  }

  private static ExpoResponse noContent() {
    return new ExpoResponse(204, List.of(Map.entry("expo-protocol-version", "1"), Map.entry("expo-sfv-version", "0"),
        Map.entry("cache-control", "private, max-age=0")), new byte[0], null);
  }

  @Test
  void rememberedRoutesKeepTheirErrors() throws Exception {
    String[] ok = {"expo-platform", "android", "expo-runtime-version", "1.0.0", "eas-client-id", "e-1"};
    assertThat(published.get(port, PATH, ok).statusCode()).isEqualTo(200);
    // the same app and channel with another platform, app or channel name is checked on its own
    assertError(published.get(port, PATH, "expo-platform", "ios", "expo-runtime-version", "1.0.0"), 404, "unknown_channel");
    assertError(published.get(port, PATH, "expo-platform", "windows", "expo-runtime-version", "1.0.0"), 400, "bad_header");
    assertError(published.get(port, PATH, "expo-platform", "android", "expo-runtime-version", "1.0.0", "expo-channel-name", "beta"), 404, "unknown_channel");
    assertError(published.get(port, PATH, "expo-platform", "android", "expo-runtime-version", "1.0.0", "expo-channel-name", "bad name!"), 400, "bad_header");
    assertError(published.get(port, "/v1/apps/other.app/expo/manifest", ok), 404, "unknown_channel");
    assertError(published.get(port, "/v1/apps/bad%20app/expo/manifest", ok), 400, "bad_header");
    assertError(published.get(port, PATH, "expo-platform", "android", "expo-runtime-version", "1.0.0", "accept", "text/html"), 406, "not_acceptable");
    assertError(published.get(port, PATH, "expo-platform", "android", "expo-runtime-version", "1.0.0", "expo-protocol-version", "2"), 406, "unsupported_protocol");
    assertError(published.get(port, PATH, "expo-platform", "android"), 400, "missing_header");
    // and the good route still answers after them
    assertThat(published.get(port, PATH, ok).statusCode()).isEqualTo(200);
  }

  @Test
  void routesSharingOneSlotAreStillToldApart() throws Exception {
    // every route lands in the same slot here; the server's own answers (64 slots) are the reference
    ExpoApi api = new ExpoApi(new ExpoTelemetry((c, r, t) -> {}, 1024), 1);
    List<List<String>> requests = new ArrayList<>();
    for (String app : List.of(APP, "other.app", "bad%20app")) {
      for (String platform : List.of("android", "ios", "ANDROID", "windows")) {
        for (String channel : List.of("", "production", "beta", "bad name!")) {
          List<String> headers = new ArrayList<>(List.of("expo-platform", platform, "expo-runtime-version", "1.0.0", "eas-client-id", "slot-device"));
          if (!channel.isEmpty()) {
            headers.addAll(List.of("expo-channel-name", channel));
          }
          headers.add(0, app);
          requests.add(headers);
        }
      }
    }
    for (int round = 0; round < 3; round++) { // again and again in other orders: each one after a different route
      java.util.Collections.shuffle(requests, new java.util.Random(round));
      for (List<String> r : requests) {
        List<String> headers = r.subList(1, r.size());
        Map<String, String> byName = new java.util.HashMap<>();
        for (int i = 0; i < headers.size(); i += 2) {
          byName.put(headers.get(i), headers.get(i + 1));
        }
        ExpoResponse direct = api.respond(r.get(0), byName::get, server.source().snapshot());
        HttpResponse<byte[]> overHttp = published.get(port, "/v1/apps/" + r.get(0) + "/expo/manifest", headers.toArray(String[]::new));
        assertThat(direct.status()).as("%s", r).isEqualTo(overHttp.statusCode());
        assertThat(direct.body()).as("%s", r).isEqualTo(overHttp.body());
      }
    }
  }

  private void assertError(HttpResponse<byte[]> response, int status, String error) throws Exception {
    assertThat(response.statusCode()).as(PublishedStore.text(response)).isEqualTo(status);
    assertThat(response.headers().firstValue("expo-protocol-version")).hasValue("1");
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo(error);
  }
}
