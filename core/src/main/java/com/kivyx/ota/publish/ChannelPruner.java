package com.kivyx.ota.publish;

import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.RolloutInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Keeps an index small without leaving any device without an answer: per runtime version, the
 * newest release that reaches everyone (weight 10000, no targeting) and every newer release
 * still rolling out. Older releases are dropped; devices on them update to the kept one.
 */
public final class ChannelPruner {
  private ChannelPruner() {}

  public static List<ChannelRelease> prune(List<ChannelRelease> releases) {
    Map<String, Long> floorByRuntime =
        releases.stream()
            .filter(ChannelPruner::reachesEveryone)
            .collect(Collectors.toMap(ChannelRelease::runtimeVersion, ChannelRelease::versionCode, Math::max));
    return releases.stream()
        .filter(r -> Optional.ofNullable(floorByRuntime.get(r.runtimeVersion())).map(floor -> r.versionCode() >= floor).orElse(true))
        .sorted(java.util.Comparator.comparing(ChannelRelease::runtimeVersion).thenComparingLong(ChannelRelease::versionCode))
        .toList();
  }

  private static boolean reachesEveryone(ChannelRelease r) {
    return r.rollout().weight() == RolloutInfo.FULL_WEIGHT && r.rollout().targeting() == null;
  }
}
