package com.kivyx.ota.dashboard.catalog;

import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.ReleaseManifest;
import java.util.List;

/**
 * One release on a channel: its index entry, its verified manifest and signer, and each delta's
 * size against the Brotli-compressed full bundle (what a device would download without it).
 */
public record ReleaseDetail(
    ChannelState channel, ChannelRelease entry, ReleaseManifest manifest, String kid, long compressedBundleBytes, List<DeltaSaving> deltas) {
  public ReleaseDetail {
    deltas = List.copyOf(deltas);
  }

  public boolean revoked() {
    return channel.revoked(entry.releaseId());
  }
}
