package com.kivyx.ota.expo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.testing.SampleDocuments;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExpoManifestBuilderTest {
  private final ObjectMapper json = new ObjectMapper();
  private final ExpoManifestBuilder builder = new ExpoManifestBuilder("https://cdn.example.com/ota");

  private static ReleaseManifest release() {
    return SampleDocuments.release(
        "r1", 1, List.of(SampleDocuments.asset("assets/logo.png", "image/png", 99), SampleDocuments.asset("assets/5b50965d", "application/octet-stream", 7)),
        List.of(), Map.of("notes", "first"));
  }

  @Test
  void manifestHasTheFieldsAndSpellingsExpoClientsParse() throws Exception {
    ReleaseManifest release = release();
    JsonNode m = json.readTree(builder.manifest(release, Optional.empty()));
    assertThat(m.get("id").asText()).isEqualTo(ExpoUpdateIds.updateId(SampleDocuments.APP, Platform.IOS, "r1").toString()).matches("[0-9a-f-]{36}");
    // exactly milliseconds: Android parses only ss.SSSX
    assertThat(m.get("createdAt").asText()).isEqualTo("2026-11-27T10:00:00.000Z");
    assertThat(m.get("runtimeVersion").asText()).isEqualTo("1.2.0");
    JsonNode launch = m.get("launchAsset");
    assertThat(launch.get("contentType").asText()).isEqualTo("application/javascript");
    assertThat(launch.get("url").asText()).isEqualTo("https://cdn.example.com/ota/" + release.launchAsset().url());
    assertThat(launch.get("key").asText()).isEqualTo(release.launchAsset().sha256());
    assertThat(m.get("assets")).hasSize(2);
    assertThat(m.get("assets").get(0).get("fileExtension").asText()).isEqualTo(".png");
    assertThat(m.get("assets").get(1).get("fileExtension").asText()).as("never missing: Android drops such assets").isEqualTo(".bin");
    assertThat(m.get("metadata").get("notes").asText()).isEqualTo("first");
    assertThat(m.get("extra").isObject()).isTrue();
  }

  @Test
  void hashIsBase64UrlOfTheSha256WithoutPadding() {
    // SHA-256("abc"), RFC 6234 test vector
    assertThat(ExpoUpdateIds.hashOfHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        .isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  }

  @Test
  void sameReleaseGivesTheSameBytesAndIdsDifferPerReleaseAndPlatform() {
    assertThat(builder.manifest(release(), Optional.empty())).isEqualTo(builder.manifest(release(), Optional.empty()));
    assertThat(ExpoUpdateIds.updateId("a", Platform.IOS, "r1")).isNotEqualTo(ExpoUpdateIds.updateId("a", Platform.ANDROID, "r1"));
    assertThat(ExpoUpdateIds.updateId("a", Platform.IOS, "r1")).isNotEqualTo(ExpoUpdateIds.updateId("a", Platform.IOS, "r2"));
  }

  @Test
  void rollBackCommitTimeIsOneMillisecondAfterTheRelease() throws Exception {
    JsonNode d = json.readTree(builder.rollBackToEmbedded(release()));
    assertThat(d.get("type").asText()).isEqualTo("rollBackToEmbedded");
    assertThat(d.get("parameters").get("commitTime").asText()).isEqualTo("2026-11-27T10:00:00.001Z");
  }

  @Test
  void assetBaseMustBeAnAbsoluteHttpUrl() {
    for (String bad : List.of("cdn.example.com/ota/", "/ota/", "ftp://cdn.example.com/", "https://cdn.example.com/?x=1", "https:///nohost")) {
      assertThatThrownBy(() -> new ExpoManifestBuilder(bad)).as(bad).isInstanceOf(ExpoException.class).hasMessageContaining("absolute http(s)");
    }
    assertThat(new ExpoManifestBuilder("http://127.0.0.1:8080").assetBaseUrl()).isEqualTo("http://127.0.0.1:8080/");
  }
}
