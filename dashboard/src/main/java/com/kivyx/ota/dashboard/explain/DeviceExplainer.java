package com.kivyx.ota.dashboard.explain;

import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.rollout.Buckets;
import com.kivyx.ota.rollout.DecisionFunction;
import com.kivyx.ota.rollout.Device;
import com.kivyx.ota.rollout.TargetingMatcher;
import java.util.List;

/**
 * "Why not this device?": the answer is the real {@link DecisionFunction} on the signed index
 * (the one the server and the client run); the per-release verdicts apply the same rules one by
 * one, in the same order, with the same {@link Buckets} and {@link TargetingMatcher}, to show
 * where each release drops out.
 */
public final class DeviceExplainer {

  public Explanation explain(ChannelIndex index, Device device) {
    List<ReleaseVerdict> verdicts = index.releases().stream()
        .sorted(java.util.Comparator.comparingLong(ChannelRelease::versionCode).reversed())
        .map(r -> new ReleaseVerdict(r, Buckets.bucket(r.rollout().id(), device.deviceId()), verdict(index, r, device)))
        .toList();
    return new Explanation(device, DecisionFunction.decide(index, device), verdicts);
  }

  private static Verdict verdict(ChannelIndex index, ChannelRelease release, Device device) {
    if (!release.runtimeVersion().equals(device.runtimeVersion())) {
      return Verdict.WRONG_RUNTIME;
    }
    if (release.versionCode() < index.minVersionCode()) {
      return Verdict.BELOW_FLOOR;
    }
    if (index.revoked().contains(release.releaseId())) {
      return Verdict.REVOKED;
    }
    if (!TargetingMatcher.matches(release.rollout().targeting(), device)) {
      return Verdict.NOT_TARGETED;
    }
    if (Buckets.bucket(release.rollout().id(), device.deviceId()) >= release.rollout().weight()) {
      return Verdict.OUTSIDE_WEIGHT;
    }
    return Verdict.CANDIDATE;
  }
}
