package com.kivyx.ota.format;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** One channel of one app on one platform: what a channel index is about. */
public record ChannelId(String appId, Platform platform, String channel) {
  /** App ids, release ids and channel names as the documents allow them. */
  public static final Pattern NAME = Check.NAME;

  public ChannelId {
    Check.matches("appId", appId, NAME, "letters, digits, '.', '_' or '-'");
    Objects.requireNonNull(platform, "platform");
    Check.matches("channel", channel, NAME, "letters, digits, '.', '_' or '-'");
  }

  /**
   * Whether {@code text} matches {@link #NAME}, read by hand: device polls check a release id on
   * every request, and a pattern costs a matcher each time. {@code ChannelIdTest} holds the two
   * to each other.
   */
  public static boolean isName(String text) {
    if (text == null || text.isEmpty() || text.length() > 128 || !isLetterOrDigit(text.charAt(0))) {
      return false;
    }
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** From untrusted text (URL segments, request fields); empty when it cannot name a channel. */
  public static Optional<ChannelId> parse(String appId, String platform, String channel) {
    if (!isName(appId) || !isName(channel)) {
      return Optional.empty();
    }
    return switch (platform == null ? "" : platform) {
      case "ios" -> Optional.of(new ChannelId(appId, Platform.IOS, channel));
      case "android" -> Optional.of(new ChannelId(appId, Platform.ANDROID, channel));
      default -> Optional.empty();
    };
  }

  /** Whether a signed document names this channel. */
  public boolean isNamedBy(ChannelIndex index) {
    return index.appId().equals(appId) && index.platform() == platform && index.channel().equals(channel);
  }

  @Override
  public String toString() {
    return appId + "/" + platform.id() + "/" + channel;
  }
}
