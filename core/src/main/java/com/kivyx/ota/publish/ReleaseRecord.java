package com.kivyx.ota.publish;

import com.kivyx.ota.format.LogEntryRef;
import com.kivyx.ota.format.ManifestRef;

/**
 * The publisher's record of a published release ({@code releases/<id>.json}): enough to refuse
 * a lower version code, to find the bases for deltas, and to tell a repeated publish of the
 * same content (a no-op) from a different release under a used id (refused). {@code
 * transparency} is the manifest's log entry (null when not logged), kept so a repeated publish
 * can name it again: the log answers a repeat with no proof.
 */
public record ReleaseRecord(
    String releaseId,
    String version,
    long versionCode,
    String runtimeVersion,
    String launchAssetSha256,
    String contentDigest,
    ManifestRef manifest,
    String createdAt,
    LogEntryRef transparency) {
  public ReleaseRecord(
      String releaseId, String version, long versionCode, String runtimeVersion, String launchAssetSha256, String contentDigest,
      ManifestRef manifest, String createdAt) {
    this(releaseId, version, versionCode, runtimeVersion, launchAssetSha256, contentDigest, manifest, createdAt, null);
  }
}
