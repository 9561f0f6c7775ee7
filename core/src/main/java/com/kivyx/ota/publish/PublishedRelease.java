package com.kivyx.ota.publish;

import com.kivyx.ota.format.LogEntryRef;
import com.kivyx.ota.format.ManifestRef;
import com.kivyx.ota.format.ReleaseManifest;
import java.util.Optional;

/**
 * The outcome of publishing a release. {@code alreadyPublished}: same content was there; nothing
 * changed. {@code transparency}: the manifest's log entry, null when it was not logged.
 */
public record PublishedRelease(
    ReleaseManifest manifest, ManifestRef manifestRef, boolean alreadyPublished, int filesStored, long bytesStored,
    LogEntryRef transparency) {
  public PublishedRelease(ReleaseManifest manifest, ManifestRef manifestRef, boolean alreadyPublished, int filesStored, long bytesStored) {
    this(manifest, manifestRef, alreadyPublished, filesStored, bytesStored, null);
  }

  public Optional<LogEntryRef> transparencyEntry() {
    return Optional.ofNullable(transparency);
  }
}
