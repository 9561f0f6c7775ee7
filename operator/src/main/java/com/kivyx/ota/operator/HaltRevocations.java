package com.kivyx.ota.operator;

import com.kivyx.ota.crds.AnalysisSpec;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.ChannelState;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Releases whose Rollout was halted with {@code onHalt: revoke}: the channel index lists them
 * as revoked, so devices on them move off at their next check and they are never offered again.
 */
final class HaltRevocations {
  private HaltRevocations() {}

  static List<String> of(Collection<Rollout> rollouts, ReleaseSpec.Platform platform, Function<String, Release> releases) {
    return rollouts.stream()
        .filter(r -> r.getStatus() != null && RolloutStatus.HALTED.equals(r.getStatus().phase()) && r.getStatus().analysis() != null
            && AnalysisSpec.REVOKE.equals(r.getStatus().analysis().action()))
        .map(r -> releases.apply(r.getSpec().release()))
        .filter(release -> release != null && release.getSpec().platform() == platform)
        .map(release -> release.getMetadata().getName())
        .toList();
  }

  /** {@code change}, then each release revoked. */
  static ChannelChange then(ChannelChange change, List<String> revoked) {
    if (revoked.isEmpty()) {
      return change;
    }
    return new ChannelChange() {
      @Override
      public ChannelState apply(ChannelState current) {
        ChannelState state = change.apply(current);
        for (String releaseId : revoked) {
          state = ChannelChange.revoke(releaseId).apply(state);
        }
        return state;
      }

      @Override
      public String describe() {
        return change.describe() + ", revoke " + String.join(", ", revoked);
      }
    };
  }
}
