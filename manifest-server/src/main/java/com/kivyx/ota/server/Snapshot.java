package com.kivyx.ota.server;

import com.kivyx.ota.format.ChannelId;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Everything the server answers from, swapped as a whole when a source sees a change. */
public record Snapshot(Map<ChannelId, ChannelSnapshot> channels, Map<String, String> blobTypes, Instant loadedAt) {
  public Snapshot {
    channels = Map.copyOf(channels);
    blobTypes = Map.copyOf(blobTypes);
  }

  public static Snapshot of(Map<ChannelId, ChannelSnapshot> channels, Instant loadedAt) {
    Map<String, String> types = new HashMap<>();
    channels.values().forEach(c -> c.blobTypes().forEach((sha, type) -> types.put(c.key().appId() + "/" + sha, type)));
    return new Snapshot(channels, types, loadedAt);
  }

  public Optional<ChannelSnapshot> channel(ChannelId key) {
    return Optional.ofNullable(channels.get(key));
  }

  /** The content type a manifest gives a blob, if any manifest of this app names it. */
  public Optional<String> blobType(String appId, String sha256) {
    return Optional.ofNullable(blobTypes.get(appId + "/" + sha256));
  }
}
