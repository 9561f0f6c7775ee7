package com.kivyx.ota.format;

/**
 * One release offered on a channel: an entry of the channel index. {@code transparency} is the
 * manifest's transparency log entry (null when the release was not logged; written only when present).
 */
public record ChannelRelease(
    String releaseId, long versionCode, String runtimeVersion, ManifestRef manifest, RolloutInfo rollout, LogEntryRef transparency) {
  public ChannelRelease {
    Check.name("releaseId", releaseId);
    Check.nonNegative("versionCode of " + releaseId, versionCode);
    Check.text("runtimeVersion of " + releaseId, runtimeVersion, 64);
    Check.present("manifest of " + releaseId, manifest);
    Check.present("rollout of " + releaseId, rollout);
  }

  /** An entry without a transparency log entry. */
  public ChannelRelease(String releaseId, long versionCode, String runtimeVersion, ManifestRef manifest, RolloutInfo rollout) {
    this(releaseId, versionCode, runtimeVersion, manifest, rollout, null);
  }

  public java.util.Optional<LogEntryRef> transparencyEntry() {
    return java.util.Optional.ofNullable(transparency);
  }
}
