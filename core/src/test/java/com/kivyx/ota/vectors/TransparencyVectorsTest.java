package com.kivyx.ota.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.transparency.LogEntryRejectedException;
import com.kivyx.ota.transparency.LogEntryVerifier;
import com.kivyx.ota.transparency.LogKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recorded real-log answers: Java must reach the verdict each case expects (the TypeScript client too). */
class TransparencyVectorsTest {
  static final ObjectMapper MAPPER = new Documents().mapper();

  @Test
  void everyRecordedCaseGetsItsExpectedVerdict() throws Exception {
    JsonNode root = MAPPER.readTree(Files.readAllBytes(Path.of("..", "testdata", "vectors", TransparencyVectors.FILE)));
    LogKey log = new LogKey(root.path("log").path("origin").asText(), P256.publicKeyFromRawHex(root.path("log").path("rawPubHex").asText()));
    assertThat(HexFormat.of().formatHex(log.keyId())).isEqualTo(root.path("log").path("keyIdHex").asText());
    var releaseKey = P256.publicKeyFromRawHex(root.path("releaseKey").path("rawPubHex").asText());
    LogEntryVerifier verifier = new LogEntryVerifier(List.of(log), MAPPER);
    int ok = 0;
    int refused = 0;
    for (JsonNode c : root.path("cases")) {
      String name = c.path("name").asText();
      var want = TransparencyVectors.expected(HexFormat.of().parseHex(c.path("manifestCoseHex").asText()), releaseKey);
      byte[] entry = c.path("entry").asText().getBytes(StandardCharsets.UTF_8);
      if (c.path("expect").asText().equals("ok")) {
        verifier.verify(entry, want);
        ok++;
      } else {
        assertThatThrownBy(() -> verifier.verify(entry, want)).as(name)
            .isInstanceOfSatisfying(LogEntryRejectedException.class, e -> assertThat(e.reason().name()).as(name).isEqualTo(c.path("expect").asText()));
        refused++;
      }
    }
    assertThat(ok).isGreaterThanOrEqualTo(5);
    assertThat(refused).isGreaterThanOrEqualTo(8);
  }
}
