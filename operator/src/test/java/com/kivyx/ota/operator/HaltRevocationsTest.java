package com.kivyx.ota.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.crds.AnalysisSpec;
import com.kivyx.ota.crds.AnalysisStatus;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.ChannelState;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HaltRevocationsTest {
  private static Rollout rollout(String name, String phase, String action) {
    Rollout r = new Rollout();
    r.setMetadata(new ObjectMetaBuilder().withName(name).build());
    r.setSpec(new RolloutSpec("production", name, false, null, null, false));
    r.setStatus(new RolloutStatus(phase, 1, 0, null, "", 1L, null,
        new AnalysisStatus(1, AnalysisStatus.HALT, null, null, null, null, null, null, null, null, null, null, null, action), null));
    return r;
  }

  private static Release release(String name, ReleaseSpec.Platform platform) {
    Release r = new Release();
    r.setMetadata(new ObjectMetaBuilder().withName(name).build());
    r.setSpec(new ReleaseSpec("production", "com.example", platform, "1.0.0", 1L, "1.0.0", null, List.of(), null));
    return r;
  }

  @Test
  void onlyReleasesHaltedWithRevokeOnThisPlatformAreRevoked() {
    Map<String, Release> releases = Map.of(
        "revoked", release("revoked", ReleaseSpec.Platform.android),
        "zeroed", release("zeroed", ReleaseSpec.Platform.android),
        "ios-revoked", release("ios-revoked", ReleaseSpec.Platform.ios),
        "resumed", release("resumed", ReleaseSpec.Platform.android));
    List<Rollout> rollouts = List.of(rollout("revoked", RolloutStatus.HALTED, AnalysisSpec.REVOKE),
        rollout("zeroed", RolloutStatus.HALTED, AnalysisSpec.WEIGHT_ZERO), rollout("ios-revoked", RolloutStatus.HALTED, AnalysisSpec.REVOKE),
        rollout("resumed", RolloutStatus.PROGRESSING, AnalysisSpec.REVOKE));
    List<String> revoked = HaltRevocations.of(rollouts, ReleaseSpec.Platform.android, releases::get);
    assertThat(revoked).containsExactly("revoked");

    ChannelState state = HaltRevocations.then(ChannelChange.replaceAll(List.of()), revoked).apply(new ChannelState(3, 0, List.of(), List.of("old")));
    assertThat(state.revoked()).containsExactly("old", "revoked");
  }
}
