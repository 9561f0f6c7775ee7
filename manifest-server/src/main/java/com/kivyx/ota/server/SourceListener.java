package com.kivyx.ota.server;

/** What a channel source reports as it works; the server turns it into metrics. */
public interface SourceListener {
  SourceListener NONE = new SourceListener() {};

  default void accepted(ChannelKey key, long version) {}

  default void rejected(ChannelKey key, IndexRejectedException.Reason reason) {}

  default void failed() {}

  default void swapped(Snapshot snapshot) {}
}
