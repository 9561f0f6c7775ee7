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
 *
 * <p>Also kept: the newest mandatory release below that floor. A device that never installed it
 * must still be told its update is mandatory (the decision function escalates on any mandatory
 * candidate above the device's release), and the newest one is enough for that. The price: a
 * device on a dropped release newer than it is escalated too, since its release is no longer in
 * the index; a forced update too many is safer than a security fix offered as optional.
 */
public final class ChannelPruner {
  private ChannelPruner() {}

  public static List<ChannelRelease> prune(List<ChannelRelease> releases) {
    Map<String, Long> floorByRuntime =
        releases.stream()
            .filter(ChannelPruner::reachesEveryone)
            .collect(Collectors.toMap(ChannelRelease::runtimeVersion, ChannelRelease::versionCode, Math::max));
    Map<String, Long> mandatoryBelowFloor =
        releases.stream()
            .filter(r -> r.rollout().mandatory() && belowFloor(r, floorByRuntime))
            .collect(Collectors.toMap(ChannelRelease::runtimeVersion, ChannelRelease::versionCode, Math::max));
    return releases.stream()
        .filter(r -> !belowFloor(r, floorByRuntime) || Long.valueOf(r.versionCode()).equals(mandatoryBelowFloor.get(r.runtimeVersion())))
        .sorted(java.util.Comparator.comparing(ChannelRelease::runtimeVersion).thenComparingLong(ChannelRelease::versionCode))
        .toList();
  }

  private static boolean belowFloor(ChannelRelease r, Map<String, Long> floorByRuntime) {
    return Optional.ofNullable(floorByRuntime.get(r.runtimeVersion())).map(floor -> r.versionCode() < floor).orElse(false);
  }

  private static boolean reachesEveryone(ChannelRelease r) {
    return r.rollout().weight() == RolloutInfo.FULL_WEIGHT && r.rollout().targeting() == null;
  }
}
