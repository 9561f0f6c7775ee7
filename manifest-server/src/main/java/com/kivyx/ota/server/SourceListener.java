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
}
