package com.kivyx.ota.dashboard.explain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.rollout.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The explainer on every golden decision vector: its answer is the vector's (it is the real
 * decision function), and its per-release verdicts account for that answer — the offered
 * release is the newest candidate, and no candidate means no update.
 */
class DeviceExplainerTest {
  private final Documents documents = new Documents();

  @Test
  void verdictsAccountForEveryGoldenAnswer() throws Exception {
    JsonNode vectors = documents.mapper().readTree(Files.readAllBytes(Path.of(System.getProperty("kivyx.repo.dir", "..")).resolve("testdata/vectors/decisions.json")));
    int cases = 0;
    for (JsonNode c : vectors.get("cases")) {
      ChannelIndex index = documents.readChannelIndex(documents.mapper().writeValueAsBytes(c.get("index")));
      Device device = device(c.get("device"));
      Explanation explanation = new DeviceExplainer().explain(index, device);
      JsonNode expected = c.get("expected");
      String name = c.get("name").asText();
      assertThat(explanation.decision().kind().wireName()).as(name).isEqualTo(expected.get("decision").asText());
      assertThat(explanation.decision().mandatory()).as(name).isEqualTo(expected.get("mandatory").asBoolean());
      assertThat(explanation.verdicts()).as(name).hasSize(index.releases().size());
      Optional<ChannelRelease> newestCandidate = explanation.verdicts().stream().filter(ReleaseVerdict::candidate)
          .map(ReleaseVerdict::release).max(Comparator.comparingLong(ChannelRelease::versionCode));
      if (explanation.decision().kind() == Decision.Kind.UPDATE) {
        assertThat(newestCandidate.map(ChannelRelease::releaseId)).as(name).isEqualTo(explanation.decision().releaseId());
      } else if (explanation.decision().kind() == Decision.Kind.ROLL_BACK_TO_EMBEDDED) {
        assertThat(newestCandidate).as(name).isEmpty();
      } else {
        assertThat(newestCandidate.map(ChannelRelease::releaseId)).as(name).isEqualTo(device.currentReleaseId());
      }
      assertThat(explanation.answer()).as(name).isNotBlank();
      cases++;
    }
    assertThat(cases).isGreaterThan(20);
  }

  @Test
  void curlQuotesForTheShellAndEncodesForTheUrl() {
    Device device = new Device("it's me", "1.0.0", Optional.of("r1"), Optional.empty(), Optional.of("arm64"), Map.of("tier", "beta & more"));
    String curl = CurlCommand.update("http://h:1/", new com.kivyx.ota.format.ChannelId("app", com.kivyx.ota.format.Platform.IOS, "prod"), device);
    assertThat(curl).isEqualTo("curl -s 'http://h:1/v1/apps/app/ios/channels/prod/update?deviceId=it%27s%20me&runtimeVersion=1.0.0"
        + "&currentReleaseId=r1&arch=arm64&attr.tier=beta%20%26%20more'");
  }

  private static Device device(JsonNode d) {
    Map<String, String> attributes = new HashMap<>();
    d.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
    return new Device(d.get("deviceId").asText(), d.get("runtimeVersion").asText(), text(d, "currentReleaseId"), text(d, "rnVersion"),
        text(d, "arch"), attributes);
  }

  private static Optional<String> text(JsonNode d, String field) {
    return d.hasNonNull(field) ? Optional.of(d.get(field).asText()) : Optional.empty();
  }
}
