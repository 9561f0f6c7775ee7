package com.kivyx.ota.server;

import com.kivyx.ota.format.Platform;
import com.kivyx.ota.store.StoreLayout;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One channel of one app on one platform: what a channel index is about. */
public record ChannelKey(String appId, Platform platform, String channel) {
  /** App ids and channel names as the documents allow them (see core's field rules). */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private static final Pattern INDEX_KEY =
      Pattern.compile("apps/(" + NAME.pattern() + ")/(ios|android)/(" + NAME.pattern() + ")/index\\.cose");

  /** The store key of this channel's signed index. */
  public String indexKey() {
    return StoreLayout.index(appId, platform, channel);
  }

  /** The channel whose index lives at a store key, or empty for any other key. */
  public static Optional<ChannelKey> ofIndexKey(String key) {
    Matcher m = INDEX_KEY.matcher(key);
    return m.matches() ? Optional.of(new ChannelKey(m.group(1), Platform.of(m.group(2)), m.group(3))) : Optional.empty();
  }

  /** From URL path segments; empty when they cannot name a channel (so: 404). */
  public static Optional<ChannelKey> parse(String appId, String platform, String channel) {
    if (!NAME.matcher(appId).matches() || !NAME.matcher(channel).matches()) {
      return Optional.empty();
    }
    return switch (platform) {
      case "ios" -> Optional.of(new ChannelKey(appId, Platform.IOS, channel));
      case "android" -> Optional.of(new ChannelKey(appId, Platform.ANDROID, channel));
      default -> Optional.empty();
    };
  }

  @Override
  public String toString() {
    return appId + "/" + platform.id() + "/" + channel;
  }
}
