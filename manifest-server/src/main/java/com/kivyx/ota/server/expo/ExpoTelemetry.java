package com.kivyx.ota.server.expo;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.telemetry.EventType;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what expo-updates reports in its request headers into the server's device events:
 * {@code Expo-Current-Update-ID} as {@code healthy} (the device launched it and lives to poll),
 * each id of {@code Expo-Recent-Failed-Update-IDs} as {@code rolledBack}, and {@code
 * Expo-Fatal-Error} as {@code crashed}. Clients repeat these headers on every request, so each
 * (device, header, value) is counted once, remembered in a fixed table of hashes: memory is
 * bounded, and a collision at worst counts a repeat again. The hash is seeded at random per
 * process, so colliding values cannot be worked out in advance.
 */
public final class ExpoTelemetry {
  /** Where the events go: the same counters as {@code POST /v1/events}. */
  @FunctionalInterface
  public interface EventSink {
    void event(ChannelId channel, String release, EventType type);
  }

  /** Counted under this release label when the release was never on the channel (bounded labels). */
  static final String OTHER_RELEASE = "other";
  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final int MAX_FAILED_IDS = 10;

  private final EventSink sink;
  private final AtomicLongArray seen;
  private final int mask;
  private final long seed = new SecureRandom().nextLong();

  /** @param slots remembered (device, header, value) hashes, rounded up to a power of two; 8 bytes each */
  public ExpoTelemetry(EventSink sink, int slots) {
    this.sink = sink;
    int size = Integer.highestOneBit(Math.max(16, slots - 1)) << 1;
    this.seen = new AtomicLongArray(size);
    this.mask = size - 1;
  }

  /** What one request reports, with update ids already mapped to this channel's releases. */
  record Report(ChannelId channel, String deviceId, String currentUpdateId, String failedUpdateIds, String fatalError) {}

  void observe(Report r, java.util.function.Function<String, String> releaseOfUpdate, Set<String> knownReleases) {
    if (r.currentUpdateId() != null && isUuid(r.currentUpdateId()) && firstTime(r.deviceId(), "current", r.currentUpdateId())) {
      count(r, releaseOfUpdate.apply(r.currentUpdateId().toLowerCase(java.util.Locale.ROOT)), knownReleases, EventType.HEALTHY);
    }
    List<String> failed = failedIds(r.failedUpdateIds());
    for (String id : failed) {
      if (firstTime(r.deviceId(), "failed", id)) {
        count(r, releaseOfUpdate.apply(id), knownReleases, EventType.ROLLED_BACK);
      }
    }
    if (r.fatalError() != null && !r.fatalError().isEmpty() && firstTime(r.deviceId(), "fatal", r.fatalError())) {
      String crashed = !failed.isEmpty() ? failed.get(0) : r.currentUpdateId() == null ? null : r.currentUpdateId().toLowerCase(java.util.Locale.ROOT);
      count(r, crashed == null ? null : releaseOfUpdate.apply(crashed), knownReleases, EventType.CRASHED);
    }
  }

  /** The UUIDs of an SFV list of strings, at most 10, lower-cased. */
  static List<String> failedIds(String header) {
    List<String> ids = new ArrayList<>();
    if (header == null) {
      return ids;
    }
    Matcher m = UUID.matcher(header);
    while (m.find() && ids.size() < MAX_FAILED_IDS) {
      String id = m.group().toLowerCase(java.util.Locale.ROOT);
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
    return ids;
  }

  private void count(Report r, String release, Set<String> knownReleases, EventType type) {
    String label = release != null && knownReleases.contains(release) ? release : OTHER_RELEASE;
    sink.event(r.channel(), label, type);
  }

  /** 8-4-4-4-12 hex digits, as {@link #UUID} matches: checked by hand, it runs on every poll. */
  static boolean isUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** True the first time this (device, header, value) is seen while it stays in the table. */
  boolean firstTime(String deviceId, String header, String value) {
    // a seeded 64-bit hash over the chars, fields apart by a value no char has: no allocation per poll
    long hash = mix(mix(mix(seed, deviceId), header), value);
    hash = fmix(hash);
    if (hash == 0) {
      hash = 1; // 0 marks an empty slot
    }
    int slot = (int) (hash & mask);
    return seen.getAndSet(slot, hash) != hash;
  }

  private static long mix(long h, String text) {
    for (int i = 0; i < text.length(); i++) {
      h = (h ^ text.charAt(i)) * 0x9E3779B97F4A7C15L;
      h ^= h >>> 29;
    }
    return (h ^ 0x10000L) * 0xC2B2AE3D27D4EB4FL; // 0x10000: past every char, ends the field
  }

  /** MurmurHash3's finaliser: every input bit reaches every output bit. */
  private static long fmix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
