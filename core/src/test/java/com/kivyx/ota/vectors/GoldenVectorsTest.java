package com.kivyx.ota.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.rollout.Buckets;
import com.kivyx.ota.rollout.DecisionFunction;
import com.kivyx.ota.signing.CoseRejectedException;
import com.kivyx.ota.signing.CoseVerifier;
import com.kivyx.ota.signing.P256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoldenVectorsTest {
  private static final Path DIR = Path.of(System.getProperty("kivyx.repo.dir", "..")).resolve("testdata/vectors");
  private final ObjectMapper mapper = new Documents().mapper();

  @Test
  void checkedInFilesAreWhatTheCodeProduces() throws Exception {
    for (Map.Entry<String, byte[]> file : new GoldenVectors().files().entrySet()) {
      Path path = DIR.resolve(file.getKey());
      assertThat(path).as("run scripts/generate-vectors").exists();
      assertThat(Files.readString(path))
          .as("%s is stale: run scripts/generate-vectors and commit the result", path)
          .isEqualTo(new String(file.getValue(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void everyDocumentCaseGetsItsVerdict() throws Exception {
    JsonNode root = mapper.readTree(DIR.resolve(GoldenVectors.DOCUMENTS).toFile());
    Map<String, ECPublicKey> keys = new HashMap<>();
    root.get("keys").fields().forEachRemaining(e -> keys.put(e.getKey(), P256.publicKeyFromRawHex(e.getValue().textValue())));
    CoseVerifier verifier = new CoseVerifier(keys);
    int valid = 0;
    int invalid = 0;
    for (JsonNode c : root.get("cases")) {
      byte[] cose = HexFormat.of().parseHex(c.get("coseHex").textValue());
      String contentType = c.get("contentType").textValue();
      if (c.get("valid").booleanValue()) {
        assertThat(verifier.verify(cose, contentType).payload()).as(c.get("name").textValue()).isNotEmpty();
        valid++;
      } else {
        assertThatThrownBy(() -> verifier.verify(cose, contentType))
            .as(c.get("name").textValue())
            .isInstanceOfSatisfying(CoseRejectedException.class, e -> assertThat(e.reason().name()).isEqualTo(c.get("reason").textValue()));
        invalid++;
      }
    }
    assertThat(valid).isGreaterThanOrEqualTo(4);
    assertThat(invalid).isGreaterThanOrEqualTo(8);
  }

  @Test
  void everyDecisionCaseGetsItsAnswer() throws Exception {
    JsonNode root = mapper.readTree(DIR.resolve(GoldenVectors.DECISIONS).toFile());
    for (JsonNode b : root.get("buckets")) {
      assertThat(Buckets.bucket(b.get("rolloutId").textValue(), b.get("deviceId").textValue())).isEqualTo(b.get("bucket").intValue());
    }
    int count = 0;
    for (JsonNode c : root.get("cases")) {
      var decision = DecisionFunction.decide(GoldenVectors.index(mapper, c.get("index")), GoldenVectors.device(c.get("device")));
      assertThat(GoldenVectors.decisionJson(decision)).as(c.get("name").textValue()).isEqualTo(c.get("expected"));
      count++;
    }
    assertThat(count).isGreaterThanOrEqualTo(40);
  }
}
