package com.kivyx.ota.server;

import com.kivyx.ota.format.ChannelId;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code /update} and {@code /index} paths of every channel of one snapshot, so a device's
 * request finds its channel with one hash lookup instead of splitting and checking the path. A
 * path not found here (another spelling, an unknown channel) takes the general route, which
 * answers it exactly as before.
 */
record ChannelPaths(Snapshot snapshot, Map<String, ChannelSnapshot> updates, Map<String, ChannelSnapshot> indexes) {
  static ChannelPaths of(Snapshot snapshot) {
    Map<String, ChannelSnapshot> updates = new HashMap<>();
    Map<String, ChannelSnapshot> indexes = new HashMap<>();
    snapshot.channels().forEach((key, channel) -> {
      String base = base(key);
      updates.put(base + "update", channel);
      indexes.put(base + "index", channel);
    });
    return new ChannelPaths(snapshot, Map.copyOf(updates), Map.copyOf(indexes));
  }

  /** {@code /v1/apps/{appId}/{platform}/channels/{channel}/} */
  static String base(ChannelId key) {
    return "/v1/apps/" + key.appId() + "/" + key.platform().id() + "/channels/" + key.channel() + "/";
  }
}
