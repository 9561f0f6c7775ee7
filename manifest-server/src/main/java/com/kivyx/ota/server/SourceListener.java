package com.kivyx.ota.server;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.verify.DocumentRejectedException;

/** What a channel source reports as it works; the server turns it into metrics. */
public interface SourceListener {
  SourceListener NONE = new SourceListener() {};

  default void accepted(ChannelId key, long version) {}

  default void rejected(ChannelId key, DocumentRejectedException.Reason reason) {}

  default void failed() {}

  default void swapped(Snapshot snapshot) {}

  /** Tells each listener in turn. */
  static SourceListener all(SourceListener... listeners) {
    SourceListener[] copy = listeners.clone();
    return new SourceListener() {
      @Override
      public void accepted(ChannelId key, long version) {
        for (SourceListener l : copy) {
          l.accepted(key, version);
        }
      }

      @Override
      public void rejected(ChannelId key, DocumentRejectedException.Reason reason) {
        for (SourceListener l : copy) {
          l.rejected(key, reason);
        }
      }

      @Override
      public void failed() {
        for (SourceListener l : copy) {
          l.failed();
        }
      }

      @Override
      public void swapped(Snapshot snapshot) {
        for (SourceListener l : copy) {
          l.swapped(snapshot);
        }
      }
    };
  }
}
