package com.kivyx.ota.server;

import java.util.Optional;

/**
 * The {@link ChannelPaths} of the source's current snapshot, rebuilt when the source swaps it;
 * one for all event loops (a race builds the same paths twice).
 */
final class KnownChannels {
  private final ChannelSource source;
  private volatile ChannelPaths paths;

  KnownChannels(ChannelSource source) {
    this.source = source;
  }

  /** The channel of an {@code /update} path spelled as this server spells it, or null. */
  ChannelSnapshot update(String path) {
    ChannelPaths current = current();
    return current == null ? null : current.updates().get(path);
  }

  /** The channel of an {@code /index} path spelled as this server spells it, or null. */
  ChannelSnapshot index(String path) {
    ChannelPaths current = current();
    return current == null ? null : current.indexes().get(path);
  }

  private ChannelPaths current() {
    Optional<Snapshot> snapshot = source.snapshot();
    if (snapshot.isEmpty()) {
      return null;
    }
    ChannelPaths current = paths;
    if (current == null || current.snapshot() != snapshot.get()) {
      current = ChannelPaths.of(snapshot.get());
      paths = current;
    }
    return current;
  }
}
