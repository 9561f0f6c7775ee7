package com.kivyx.ota.server.codepush;

import com.kivyx.ota.format.ChannelId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which channel a CodePush deployment key stands for. Keys are secrets of a kind (anyone with
 * one can read that deployment's updates and count reports on it), so no message, log line or
 * metric label ever shows one; errors name the line or the channel instead.
 */
public final class DeploymentKeys {
  private static final int MIN_KEY = 8;
  private static final int MAX_KEY = 256;

  private final Map<String, ChannelId> channels;

  private DeploymentKeys(Map<String, ChannelId> channels) {
    this.channels = Map.copyOf(channels);
  }

  public static DeploymentKeys none() {
    return new DeploymentKeys(Map.of());
  }

  /**
   * @param specs {@code KEY=APP/PLATFORM/CHANNEL} each (the {@code --codepush-deployment} flag)
   * @throws IllegalArgumentException naming the bad spec by position, never by its key
   */
  public static DeploymentKeys parse(List<String> specs) {
    Map<String, ChannelId> channels = new HashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      add(channels, specs.get(i), "deployment #" + (i + 1));
    }
    return new DeploymentKeys(channels);
  }

  /** One {@code KEY=APP/PLATFORM/CHANNEL} per line; blank lines and lines starting with {@code #} are skipped. */
  public static DeploymentKeys read(Path file) throws IOException {
    Map<String, ChannelId> channels = new HashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        add(channels, line, file + " line " + (i + 1));
      }
    }
    return new DeploymentKeys(channels);
  }

  /** Both sets; a key in both must name the same channel. */
  public DeploymentKeys and(DeploymentKeys other) {
    Map<String, ChannelId> merged = new HashMap<>(channels);
    for (Map.Entry<String, ChannelId> e : other.channels.entrySet()) {
      ChannelId before = merged.putIfAbsent(e.getKey(), e.getValue());
      if (before != null && !before.equals(e.getValue())) {
        throw new IllegalArgumentException("one deployment key is given for both " + before + " and " + e.getValue() + "; give each deployment its own key");
      }
    }
    return new DeploymentKeys(merged);
  }

  private static void add(Map<String, ChannelId> channels, String spec, String where) {
    int eq = spec.lastIndexOf('=');
    // a key may end in base64 padding: the channel part never holds '='
    while (eq > 0 && eq == spec.length() - 1) {
      eq = spec.lastIndexOf('=', eq - 1);
    }
    if (eq <= 0) {
      throw new IllegalArgumentException(where + " must be KEY=APP/PLATFORM/CHANNEL");
    }
    String key = spec.substring(0, eq);
    String[] parts = spec.substring(eq + 1).split("/", -1);
    if (!isKey(key)) {
      throw new IllegalArgumentException(where + ": a deployment key is 8-256 letters, digits or . _ ~ + / = -");
    }
    Optional<ChannelId> channel = parts.length == 3 ? ChannelId.parse(parts[0], parts[1], parts[2]) : Optional.empty();
    if (channel.isEmpty()) {
      throw new IllegalArgumentException(where + ": '" + spec.substring(eq + 1) + "' is not APP/PLATFORM/CHANNEL (platform ios or android)");
    }
    ChannelId before = channels.putIfAbsent(key, channel.get());
    if (before != null && !before.equals(channel.get())) {
      throw new IllegalArgumentException(where + ": its key already stands for " + before + "; give each deployment its own key");
    }
  }

  /**
   * What CodePush and its forks generate (base64url, ~40 characters), with room for others:
   * 8-256 of {@code A-Z a-z 0-9 . _ ~ + / = -}. Checked by hand: it runs on every update check.
   */
  static boolean isKey(String key) {
    if (key.length() < MIN_KEY || key.length() > MAX_KEY) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "._~+/=-".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  public Optional<ChannelId> channel(String key) {
    return Optional.ofNullable(channels.get(key));
  }

  /** The channels some key stands for. */
  public Set<ChannelId> channels() {
    return new HashSet<>(channels.values());
  }

  public boolean isEmpty() {
    return channels.isEmpty();
  }

  public int size() {
    return channels.size();
  }

  /** For messages: the channels, never the keys. */
  @Override
  public String toString() {
    Collection<ChannelId> values = new ArrayList<>(channels.values());
    return channels.size() + " CodePush deployment(s) for " + values;
  }
}
