package com.kivyx.ota.format;

import static com.kivyx.ota.testing.SampleDocuments.asset;
import static com.kivyx.ota.testing.SampleDocuments.entry;
import static com.kivyx.ota.testing.SampleDocuments.index;
import static com.kivyx.ota.testing.SampleDocuments.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentsTest {
  private final Documents documents = new Documents();
  private static final String SHA = "a".repeat(64);

  @Test
  void canonicalJsonSortsKeysAndEscapesLikeJavaScript() {
    ObjectNode node = documents.mapper().createObjectNode();
    node.put("b", 1).put("a", "x\"y\\z\n\t\u0001é✓😀").put("B", true).putNull("n");
    node.putArray("list").add(2).add(1);
    node.putObject("nested").put("z", -5).put("y", 0);
    assertThat(new String(CanonicalJson.write(node), StandardCharsets.UTF_8))
        .isEqualTo("{\"B\":true,\"a\":\"x\\\"y\\\\z\\n\\t\\u0001é✓😀\",\"b\":1,\"list\":[2,1],\"nested\":{\"y\":0,\"z\":-5}}");
  }

  @Test
  void canonicalJsonRefusesFloatsAndLoneSurrogates() {
    assertThatThrownBy(() -> CanonicalJson.write(documents.mapper().createObjectNode().put("f", 1.5)))
        .hasMessageContaining("integers only");
    assertThatThrownBy(() -> CanonicalJson.write(documents.mapper().createObjectNode().put("s", "\ud800")))
        .hasMessageContaining("lone surrogate");
  }

  @Test
  void manifestRoundTripsToTheSameBytes() {
    ReleaseManifest manifest =
        release("rel-1", 7, List.of(asset("assets/a.png", "image/png", 3)), List.of(), Map.of("notes", "hi", "a", "b"));
    byte[] bytes = documents.write(manifest);
    assertThat(documents.readReleaseManifest(bytes)).isEqualTo(manifest);
    assertThat(documents.write(documents.readReleaseManifest(bytes))).isEqualTo(bytes);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .startsWith("{\"appId\":\"com.kivyx.app\",\"assets\":[{\"contentType\":\"image/png\"")
        .contains("\"metadata\":{\"a\":\"b\",\"notes\":\"hi\"}")
        .doesNotContain(" ");
  }

  @Test
  void indexRoundTripsWithTargeting() {
    Targeting targeting = new Targeting("^0.74.0", List.of("arm64"), List.of(new AttributeRule("tier", "eq", null, "beta")));
    ChannelIndex idx = index(3, 0, List.of(entry("rel-1", 1, "1.0.0", 5000, true, targeting)), List.of("rel-0"));
    byte[] bytes = documents.write(idx);
    assertThat(documents.readChannelIndex(bytes)).isEqualTo(idx);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .contains("\"targeting\":{\"arch\":[\"arm64\"],\"attributes\":[{\"attribute\":\"tier\",\"op\":\"eq\",\"value\":\"beta\"}],\"rnVersion\":\"^0.74.0\"}");
  }

  @Test
  void validationNamesTheField() {
    assertThatThrownBy(() -> new Asset("a.js", "ABC", 1, "application/javascript", "apps/x/blobs/sha256/" + SHA))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("sha256 of a.js")
        .hasMessageContaining("lowercase 64-character hex");
    assertThatThrownBy(() -> new Asset("a.js", SHA.toUpperCase(), 1, "t", "u")).hasMessageContaining("lowercase");
    assertThatThrownBy(() -> new Asset("a.js", SHA, 0, "t", "apps/u")).hasMessageContaining("size of a.js must be greater than 0");
    for (String url : new String[] {"https://cdn.example.com/x", "/apps/x", "//evil/x", "apps/../x", "apps/x?y", "apps\\x", "apps//x", ""}) {
      assertThatThrownBy(() -> new Asset("a.js", SHA, 1, "t", url)).as(url).hasMessageContaining("relative to the store root");
    }
    assertThatThrownBy(() -> new Asset("../etc/passwd", SHA, 1, "t", "apps/x")).hasMessageContaining("stay inside");
    assertThatThrownBy(() -> Platform.of("windows")).hasMessageContaining("'ios' or 'android'");
    assertThatThrownBy(() -> new RolloutInfo("r", 10_001, false, null)).hasMessageContaining("0-10000");
    assertThatThrownBy(() -> new RolloutInfo("r", -1, false, null)).hasMessageContaining("0-10000");
    assertThatThrownBy(() -> new DeltaRef(SHA, "bsdiff", SHA, 1, "apps/d")).hasMessageContaining("kvxd1");
    assertThatThrownBy(() -> index(0, 0, List.of(), List.of())).hasMessageContaining("index version");
    assertThatThrownBy(
            () -> index(1, 0, List.of(entry("a", 1, "1.0.0", 1, false, null), entry("a", 2, "1.0.0", 1, false, null)), List.of()))
        .hasMessageContaining("lists 'a' twice");
    assertThatThrownBy(
            () -> index(1, 0, List.of(entry("a", 1, "1.0.0", 1, false, null), entry("b", 1, "1.0.0", 1, false, null)), List.of()))
        .hasMessageContaining("versionCode 1");
  }

  @Test
  void invalidTargetingIsRefusedWhenTheIndexIsBuilt() {
    assertThatThrownBy(() -> new Targeting(">= 1.0", null, null)).hasMessageContaining("invalid semver range");
    assertThatThrownBy(() -> new Targeting(null, List.of(), null)).hasMessageContaining("at least one");
    assertThatThrownBy(() -> new AttributeRule("c", "like", null, "x")).hasMessageContaining("in, notIn, eq or semver");
    assertThatThrownBy(() -> new AttributeRule("c", "in", List.of(), null)).hasMessageContaining("non-empty 'values'");
    assertThatThrownBy(() -> new AttributeRule("c", "eq", List.of("a"), null)).hasMessageContaining("needs a 'value'");
    assertThatThrownBy(() -> new AttributeRule("v", "semver", null, "latest")).hasMessageContaining("invalid semver range");
  }

  @Test
  void parsingIsStrict() {
    String good = new String(documents.write(index(1, 0, List.of(), List.of())), StandardCharsets.UTF_8);
    assertThat(documents.readChannelIndex(good.getBytes(StandardCharsets.UTF_8)).version()).isEqualTo(1);
    assertThatThrownBy(() -> documents.readChannelIndex(good.replace("\"version\":1", "\"version\":\"1\"").getBytes()))
        .isInstanceOf(InvalidDocumentException.class);
    assertThatThrownBy(() -> documents.readChannelIndex(good.replace("\"version\":1", "\"version\":1.5").getBytes()))
        .isInstanceOf(InvalidDocumentException.class);
    assertThatThrownBy(() -> documents.readChannelIndex(good.replace("{\"appId\"", "{\"version\":2,\"appId\"").getBytes()))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("version");
    assertThatThrownBy(() -> documents.readChannelIndex((good + "{}").getBytes())).isInstanceOf(InvalidDocumentException.class);
    assertThatThrownBy(() -> documents.readChannelIndex(good.replace("\"channel\":\"production\",", "").getBytes()))
        .hasMessageContaining("channel");
    assertThatThrownBy(() -> documents.readChannelIndex(good.replace("2026-12-04T10:00:00Z", "2026-11-27T09:00:00Z").getBytes()))
        .hasMessageContaining("expiresAt must be after issuedAt");
    assertThatThrownBy(() -> documents.readChannelIndex(good.replace("2026-12-04T10:00:00Z", "2026-12-04 10:00").getBytes()))
        .hasMessageContaining("RFC 3339");
  }
}
