package com.kivyx.ota.dashboard.catalog;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A channel's signed index as the dashboard shows it: opened with the pinned keys (signature,
 * format, identity), who signed it, and when it expires and should be re-signed. {@code problem}
 * names why there is no index to show.
 */
public record ChannelState(ChannelId id, Optional<ChannelIndex> index, Optional<String> kid, Optional<String> problem, Instant now) {

  public boolean expired() {
    return index.map(i -> !now.isBefore(i.expiresAtInstant())).orElse(false);
  }

  /** Half the lifetime, the point at which the operator re-signs (devices never meet an expired index). */
  public Optional<Instant> resignDue() {
    return index.map(i -> i.issuedAtInstant().plus(Duration.between(i.issuedAtInstant(), i.expiresAtInstant()).dividedBy(2)));
  }

  public boolean resignOverdue() {
    return resignDue().map(due -> !now.isBefore(due)).orElse(false);
  }

  public boolean revoked(String releaseId) {
    return index.map(i -> i.revoked().contains(releaseId)).orElse(false);
  }

  /** Releases by runtime version (sorted), newest version code first: what a device of each runtime can get. */
  public Map<String, List<ChannelRelease>> releasesByRuntime() {
    Map<String, List<ChannelRelease>> byRuntime = new TreeMap<>();
    index.ifPresent(i -> i.releases().stream()
        .sorted(Comparator.comparingLong(ChannelRelease::versionCode).reversed())
        .forEach(r -> byRuntime.computeIfAbsent(r.runtimeVersion(), k -> new java.util.ArrayList<>()).add(r)));
    return byRuntime;
  }

  public Optional<ChannelRelease> release(String releaseId) {
    return index.flatMap(i -> i.releases().stream().filter(r -> r.releaseId().equals(releaseId)).findFirst());
  }
}
