package com.kivyx.ota.server.codepush;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.CodePushPackageRef;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.rollout.Buckets;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.server.ChannelSnapshot;
import com.kivyx.ota.server.QueryParams;
import com.kivyx.ota.testing.SampleDocuments;
import io.vertx.core.MultiMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The mapping of update_check onto the decision function, on fixed indexes. */
class UpdateCheckTest {
  private static final String KEY = "deployment-key-1";
  private static final String BASE = "https://cdn.example.com/ota/";
  private final ObjectMapper json = new ObjectMapper();

  private static CodePushPackageRef pkg(String releaseId) {
    String zip = SampleDocuments.sha256Hex("zip " + releaseId);
    return new CodePushPackageRef(SampleDocuments.sha256Hex("hash " + releaseId), zip, 1000, SampleDocuments.blobUrl(zip));
  }

  /** Every release gets an offer unless named in {@code withoutPackage}. */
  private static CodePushChannel channel(List<ChannelRelease> releases, List<String> revoked, Set<String> withoutPackage) {
    ChannelIndex index = SampleDocuments.index(5, 0, releases, revoked);
    ChannelSnapshot snapshot =
        new ChannelSnapshot(new ChannelId(SampleDocuments.APP, Platform.IOS, "production"), index, new byte[0], "\"x\"", null, Map.of(), Map.of(), Set.of(), null);
    Map<String, Offer> offers = new HashMap<>();
    for (ChannelRelease r : releases) {
      if (!withoutPackage.contains(r.releaseId())) {
        offers.put(r.releaseId(), Offer.of(r.releaseId(), pkg(r.releaseId()), "notes of " + r.releaseId()));
      }
    }
    return CodePushChannel.of(snapshot, offers);
  }

  private static UpdateCheckQuery query(String appVersion, String label, String hash, String client) throws Exception {
    MultiMap params = MultiMap.caseInsensitiveMultiMap().add("deployment_key", KEY).add("app_version", appVersion).add("client_unique_id", client);
    if (label != null) {
      params.add("label", label);
    }
    if (hash != null) {
      params.add("package_hash", hash);
    }
    return UpdateCheckQuery.parse(QueryParams.of(params));
  }

  private JsonNode answer(CodePushChannel channel, UpdateCheckQuery query) throws Exception {
    JsonNode root = json.readTree(UpdateCheck.answer(channel, query, BASE).getBytes());
    assertThat(root.fieldNames()).toIterable().containsExactly("update_info");
    return root.get("update_info");
  }

  private final List<ChannelRelease> three =
      List.of(
          SampleDocuments.entry("r1", 1, "1.2.0", 10_000, false, null),
          SampleDocuments.entry("r2", 2, "1.2.0", 10_000, true, null),
          SampleDocuments.entry("r3", 3, "1.2.0", 10_000, false, null));

  @Test
  void anUpdateCarriesThePackageAndEchoesTheDevicesOwnVersion() throws Exception {
    JsonNode info = answer(channel(three, List.of(), Set.of()), query("1.2", "r2", pkg("r2").packageHash(), "device-1"));
    assertThat(info.get("is_available").booleanValue()).isTrue();
    assertThat(info.get("label").textValue()).isEqualTo("r3");
    assertThat(info.get("is_mandatory").booleanValue()).isFalse();
    assertThat(info.get("package_hash").textValue()).isEqualTo(pkg("r3").packageHash());
    assertThat(info.get("package_size").intValue()).isEqualTo(1000);
    assertThat(info.get("download_url").textValue()).isEqualTo(BASE + pkg("r3").url());
    assertThat(info.get("app_version").textValue()).isEqualTo("1.2");
    assertThat(info.get("target_binary_range").textValue()).isEqualTo("1.2");
    assertThat(info.get("description").textValue()).isEqualTo("notes of r3");
    assertThat(info.get("update_app_version").booleanValue()).isFalse();
    assertThat(info.get("should_run_binary_version").booleanValue()).isFalse();
  }

  @Test
  void aSkippedMandatoryReleaseMakesTheUpdateMandatory() throws Exception {
    CodePushChannel channel = channel(three, List.of(), Set.of());
    assertThat(answer(channel, query("1.2.0", "r1", null, "d")).get("is_mandatory").booleanValue()).isTrue();
    assertThat(answer(channel, query("1.2.0", null, null, "d")).get("is_mandatory").booleanValue()).isTrue();
    // the old service's label with an unknown hash: not in the index, so every candidate counts
    assertThat(answer(channel, query("1.2.0", "v9", "abc", "d")).get("is_mandatory").booleanValue()).isTrue();
  }

  @Test
  void theCurrentReleaseIsFoundByPackageHashBeforeLabel() throws Exception {
    CodePushChannel channel = channel(three, List.of(), Set.of());
    // on r3 by hash, whatever label the device carries
    JsonNode info = answer(channel, query("1.2.0", "v42", pkg("r3").packageHash(), "d"));
    assertThat(info.get("is_available").booleanValue()).isFalse();
    assertThat(info.get("should_run_binary_version").booleanValue()).isFalse();
    assertThat(answer(channel, query("1.2.0", "r3", null, "d")).get("is_available").booleanValue()).isFalse();
  }

  @Test
  void aReleaseWithoutAUsablePackageIsNoUpdate() throws Exception {
    JsonNode info = answer(channel(three, List.of(), Set.of("r3")), query("1.2.0", "r2", null, "d"));
    assertThat(info.get("is_available").booleanValue()).isFalse();
    assertThat(info.get("should_run_binary_version").booleanValue()).isFalse();
  }

  @Test
  void noReleaseForTheBinaryMeansRunItsBundleAndANewerStoreBuildIsNamed() throws Exception {
    CodePushChannel channel = channel(three, List.of(), Set.of());
    JsonNode newer = answer(channel, query("2.0.0", null, null, "d"));
    assertThat(newer.get("should_run_binary_version").booleanValue()).isTrue();
    assertThat(newer.get("update_app_version").booleanValue()).isFalse();
    JsonNode older = answer(channel, query("1.1", null, null, "d"));
    assertThat(older.get("is_available").booleanValue()).isFalse();
    assertThat(older.get("should_run_binary_version").booleanValue()).isTrue();
    assertThat(older.get("update_app_version").booleanValue()).isTrue();
    assertThat(older.get("target_binary_range").textValue()).isEqualTo("1.2.0");
  }

  @Test
  void aDeviceOnARevokedReleaseIsToldToRunTheBinarysBundle() throws Exception {
    CodePushChannel channel = channel(List.of(SampleDocuments.entry("r1", 1, "1.2.0", 10_000, false, null)), List.of("r1"), Set.of());
    JsonNode info = answer(channel, query("1.2.0", "r1", pkg("r1").packageHash(), "d"));
    assertThat(info.get("is_available").booleanValue()).isFalse();
    assertThat(info.get("should_run_binary_version").booleanValue()).isTrue();
  }

  @Test
  void theRolloutUsesTheDecisionFunctionsBucketOfTheClientId() throws Exception {
    CodePushChannel channel = channel(List.of(SampleDocuments.entry("r1", 1, "1.2.0", 2_500, false, null)), List.of(), Set.of());
    int offered = 0;
    for (int i = 0; i < 400; i++) {
      String id = "client-" + i;
      boolean got = answer(channel, query("1.2.0", null, null, id)).get("is_available").booleanValue();
      assertThat(got).as(id).isEqualTo(Buckets.bucket("ro-r1", id) < 2_500);
      offered += got ? 1 : 0;
    }
    assertThat(offered).isBetween(60, 140);
  }

  @Test
  void notesAreEscapedIntoValidJson() throws Exception {
    CodePushChannel base = channel(three, List.of(), Set.of());
    Map<String, Offer> offers = new HashMap<>(base.offers());
    offers.put("r3", Offer.of("r3", pkg("r3"), "quote \" backslash \\ newline \n tab \t \u0001"));
    JsonNode info = answer(CodePushChannel.of(base.snapshot(), offers), query("1.2.0", null, null, "d"));
    assertThat(info.get("description").textValue()).isEqualTo("quote \" backslash \\ newline \n tab \t \u0001");
  }
}
