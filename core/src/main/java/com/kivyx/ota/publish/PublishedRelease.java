package com.kivyx.ota.publish;

import com.kivyx.ota.format.ManifestRef;
import com.kivyx.ota.format.ReleaseManifest;

/** The outcome of publishing a release. {@code alreadyPublished}: same content was there; nothing changed. */
public record PublishedRelease(
    ReleaseManifest manifest, ManifestRef manifestRef, boolean alreadyPublished, int filesStored, long bytesStored) {}
