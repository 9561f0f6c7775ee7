package com.kivyx.ota.server.codepush;

import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Semver;
import com.kivyx.ota.server.ChannelSnapshot;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One channel as CodePush clients see it, built from one {@link ChannelSnapshot}: the releases
 * that have a checked CodePush package, which release each package hash belongs to, and what
 * a no-update answer needs to know about the channel's runtime versions.
 *
 * @param offers by release id; a release the decision picks but that is missing here has no
 *     usable package, and the device is told there is no update
 * @param releaseByPackageHash so a device that names only its package hash (or a label from
 *     another server) is still recognised as being on that release
 * @param runtimes runtime versions of the releases not revoked
 * @param newestRuntime the highest of those that is a semver version (the store update
 *     {@code update_app_version} points at)
 */
record CodePushChannel(
    ChannelSnapshot snapshot, Map<String, Offer> offers, Map<String, String> releaseByPackageHash, Set<String> runtimes, Optional<String> newestRuntime) {

  static CodePushChannel of(ChannelSnapshot snapshot, Map<String, Offer> offers) {
    Set<String> revoked = Set.copyOf(snapshot.index().revoked());
    Set<String> runtimes = new HashSet<>();
    Semver newest = null;
    String newestText = null;
    for (ChannelRelease r : snapshot.index().releases()) {
      if (revoked.contains(r.releaseId())) {
        continue;
      }
      runtimes.add(r.runtimeVersion());
      Optional<Semver> v = Semver.parse(r.runtimeVersion());
      if (v.isPresent() && (newest == null || v.get().compareTo(newest) > 0)) {
        newest = v.get();
        newestText = r.runtimeVersion();
      }
    }
    Map<String, String> byHash = new java.util.HashMap<>();
    offers.values().forEach(o -> byHash.putIfAbsent(o.pkg().packageHash(), o.releaseId()));
    return new CodePushChannel(snapshot, Map.copyOf(offers), Map.copyOf(byHash), Set.copyOf(runtimes), Optional.ofNullable(newestText));
  }
}
