package com.kivyx.ota.rollout;

import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one decision function of DESIGN.md: which release a device should run, given the
 * channel index. The TypeScript client implements the same rules and both are held to the
 * golden vectors in {@code testdata/vectors/decisions.json}.
 *
 * <p>Mandatory: moving up, the update is mandatory when any candidate above the current
 * release (all candidates, from the embedded bundle or an unknown release) and up to the
 * chosen one is mandatory. Moving down or sideways, or back to the embedded bundle, it is
 * mandatory when the current release is revoked or the chosen one is mandatory.
 */
public final class DecisionFunction {
  private DecisionFunction() {}

  public static Decision decide(ChannelIndex index, Device device) {
    Set<String> revoked = Set.copyOf(index.revoked());
    List<ChannelRelease> candidates =
        index.releases().stream()
            .filter(r -> r.runtimeVersion().equals(device.runtimeVersion()))
            .filter(r -> r.versionCode() >= index.minVersionCode())
            .filter(r -> !revoked.contains(r.releaseId()))
            .filter(r -> TargetingMatcher.matches(r.rollout().targeting(), device))
            .filter(r -> Buckets.bucket(r.rollout().id(), device.deviceId()) < r.rollout().weight())
            .toList();
    Optional<String> current = device.currentReleaseId();
    boolean currentRevoked = current.map(revoked::contains).orElse(false);
    Optional<ChannelRelease> chosen =
        candidates.stream().max(Comparator.comparingLong(ChannelRelease::versionCode));
    if (chosen.isEmpty()) {
      return current.isEmpty() ? Decision.none() : Decision.rollBackToEmbedded(currentRevoked);
    }
    ChannelRelease target = chosen.get();
    if (current.isPresent() && current.get().equals(target.releaseId())) {
      return Decision.none();
    }
    Optional<Long> currentCode =
        current.flatMap(
            id ->
                index.releases().stream()
                    .filter(r -> r.releaseId().equals(id))
                    .map(ChannelRelease::versionCode)
                    .findFirst());
    boolean mandatory;
    if (currentCode.isEmpty() || target.versionCode() > currentCode.get()) {
      long floor = currentCode.orElse(Long.MIN_VALUE);
      mandatory =
          candidates.stream()
              .filter(r -> r.versionCode() > floor && r.versionCode() <= target.versionCode())
              .anyMatch(r -> r.rollout().mandatory());
    } else {
      mandatory = currentRevoked || target.rollout().mandatory();
    }
    return Decision.update(target.releaseId(), mandatory);
  }
}
