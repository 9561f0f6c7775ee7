package com.kivyx.ota.dashboard.writes;

import com.kivyx.ota.publish.ChannelChange;

/**
 * One write the channel page offers, as the {@code kivyx-ota rollout} option it stands for:
 * {@code --weight}, {@code --revoke} or {@code --resign}.
 */
public sealed interface ChannelWrite {
  ChannelChange change();

  record SetWeight(String releaseId, int basisPoints) implements ChannelWrite {
    @Override
    public ChannelChange change() {
      return ChannelChange.setWeight(releaseId, basisPoints);
    }
  }

  record Revoke(String releaseId) implements ChannelWrite {
    @Override
    public ChannelChange change() {
      return ChannelChange.revoke(releaseId);
    }
  }

  record Resign() implements ChannelWrite {
    @Override
    public ChannelChange change() {
      return ChannelChange.refresh();
    }
  }
}
