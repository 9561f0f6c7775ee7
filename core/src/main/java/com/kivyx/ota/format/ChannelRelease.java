package com.kivyx.ota.format;

/** One release offered on a channel: an entry of the channel index. */
public record ChannelRelease(
    String releaseId, long versionCode, String runtimeVersion, ManifestRef manifest, RolloutInfo rollout) {
  public ChannelRelease {
    Check.name("releaseId", releaseId);
    Check.nonNegative("versionCode of " + releaseId, versionCode);
    Check.text("runtimeVersion of " + releaseId, runtimeVersion, 64);
    Check.present("manifest of " + releaseId, manifest);
    Check.present("rollout of " + releaseId, rollout);
  }
}
