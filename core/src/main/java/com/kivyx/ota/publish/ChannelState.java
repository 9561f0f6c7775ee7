package com.kivyx.ota.publish;

import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import java.util.List;

/** What a channel offers, before it is versioned, timed and signed as an index. */
public record ChannelState(long version, long minVersionCode, List<ChannelRelease> releases, List<String> revoked) {
  public ChannelState {
    releases = List.copyOf(releases);
    revoked = List.copyOf(revoked);
  }

  /** What a signed index offers. */
  public static ChannelState of(ChannelIndex index) {
    return new ChannelState(index.version(), index.minVersionCode(), index.releases(), index.revoked());
  }

  public static ChannelState empty() {
    return new ChannelState(0, 0, List.of(), List.of());
  }
}
