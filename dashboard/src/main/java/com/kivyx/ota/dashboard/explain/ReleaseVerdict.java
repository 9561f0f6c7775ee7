package com.kivyx.ota.dashboard.explain;

import com.kivyx.ota.format.ChannelRelease;

/** One index entry seen from one device: its bucket in that release's rollout, and the first rule it fails (or none). */
public record ReleaseVerdict(ChannelRelease release, int bucket, Verdict verdict) {
  public boolean candidate() {
    return verdict == Verdict.CANDIDATE;
  }
}
