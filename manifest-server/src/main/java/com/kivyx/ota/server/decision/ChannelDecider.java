package com.kivyx.ota.server.decision;

import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.RolloutInfo;
import com.kivyx.ota.rollout.Buckets;
import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.rollout.DecisionFunction;
import com.kivyx.ota.rollout.Device;
import com.kivyx.ota.rollout.TargetingMatcher;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link DecisionFunction#decide} for one channel index, with everything that does not depend on
 * the device worked out once: the candidates of each runtime version (above the minimum version
 * code, not revoked) from the newest down, each rollout's hash prefix, the decisions themselves.
 * A request then hashes the device id only for the rollouts it has to look at, newest first, and
 * stops at the first that takes the device. The result is the same decision, which {@code
 * ChannelDeciderTest} checks against {@link DecisionFunction} on generated indexes and devices.
 */
public final class ChannelDecider {
  private static final Candidate[] NO_CANDIDATES = {};
  private static final Decision NONE = Decision.none();
  private static final Decision ROLL_BACK = Decision.rollBackToEmbedded(false);
  private static final Decision ROLL_BACK_MANDATORY = Decision.rollBackToEmbedded(true);

  private final Map<String, Candidate[]> byRuntime;
  private final Set<String> revoked;
  /** Version code of each release id, from its first entry (as the decision function reads it). */
  private final Map<String, Long> versionCodes;
  /** One hasher per thread (event loop): {@link MessageDigest#getInstance} costs a provider lookup. */
  private final ThreadLocal<Hasher> hashers = ThreadLocal.withInitial(Hasher::new);

  /** One rollout a device may be in; {@code prefix} is the UTF-8 of {@code rolloutId + ":"}. */
  private record Candidate(ChannelRelease release, byte[] prefix, Decision optional, Decision mandatory) {}


  private ChannelDecider(Map<String, Candidate[]> byRuntime, Set<String> revoked, Map<String, Long> versionCodes) {
    this.byRuntime = byRuntime;
    this.revoked = revoked;
    this.versionCodes = versionCodes;
  }

  public static ChannelDecider of(ChannelIndex index) {
    Set<String> revoked = Set.copyOf(index.revoked());
    Map<String, List<ChannelRelease>> lists = new HashMap<>();
    Map<String, Long> versionCodes = new HashMap<>();
    for (ChannelRelease r : index.releases()) {
      versionCodes.putIfAbsent(r.releaseId(), r.versionCode());
      if (r.versionCode() >= index.minVersionCode() && !revoked.contains(r.releaseId())) {
        lists.computeIfAbsent(r.runtimeVersion(), k -> new ArrayList<>()).add(r);
      }
    }
    Map<String, Candidate[]> groups = new HashMap<>();
    lists.forEach((runtime, list) -> {
      List<ChannelRelease> sorted = new ArrayList<>(list);
      sorted.sort(Comparator.comparingLong(ChannelRelease::versionCode).reversed()); // stable: ties keep index order
      Candidate[] candidates = new Candidate[sorted.size()];
      for (int i = 0; i < candidates.length; i++) {
        ChannelRelease r = sorted.get(i);
        candidates[i] = new Candidate(
            r, (r.rollout().id() + ":").getBytes(StandardCharsets.UTF_8), Decision.update(r.releaseId(), false), Decision.update(r.releaseId(), true));
      }
      groups.put(runtime, candidates);
    });
    return new ChannelDecider(Map.copyOf(groups), revoked, Map.copyOf(versionCodes));
  }

  public Decision decide(Device device) {
    Candidate[] candidates = byRuntime.getOrDefault(device.runtimeVersion(), NO_CANDIDATES);
    String current = device.currentReleaseId().orElse(null);
    Hasher hasher = hashers.get().of(device.deviceId());
    int chosen = -1;
    for (int i = 0; i < candidates.length && chosen < 0; i++) {
      if (takes(candidates[i], device, hasher)) {
        chosen = i;
      }
    }
    boolean currentRevoked = current != null && revoked.contains(current);
    if (chosen < 0) {
      return current == null ? NONE : currentRevoked ? ROLL_BACK_MANDATORY : ROLL_BACK;
    }
    Candidate target = candidates[chosen];
    if (target.release().releaseId().equals(current)) {
      return NONE;
    }
    Long currentCode = current == null ? null : versionCodes.get(current);
    long targetCode = target.release().versionCode();
    boolean mandatory;
    if (currentCode == null || targetCode > currentCode) {
      // Any candidate above the current release up to the target that is mandatory; those after
      // the target in this order are at or below it, those before it did not take the device.
      long floor = currentCode == null ? Long.MIN_VALUE : currentCode;
      mandatory = target.release().rollout().mandatory();
      for (int i = chosen + 1; i < candidates.length && !mandatory; i++) {
        ChannelRelease r = candidates[i].release();
        if (r.versionCode() <= floor) {
          break;
        }
        mandatory = r.rollout().mandatory() && takes(candidates[i], device, hasher);
      }
    } else {
      mandatory = currentRevoked || target.release().rollout().mandatory();
    }
    return mandatory ? target.mandatory() : target.optional();
  }

  /** Whether the rollout takes the device: its targeting, then its bucket (hashed only when the weight is partial). */
  private static boolean takes(Candidate candidate, Device device, Hasher hasher) {
    RolloutInfo rollout = candidate.release().rollout();
    if (rollout.weight() <= 0 || !TargetingMatcher.matches(rollout.targeting(), device)) {
      return false;
    }
    return rollout.weight() >= Buckets.COUNT || hasher.bucket(candidate.prefix()) < rollout.weight();
  }

  /**
   * {@link Buckets#bucket} for one device at a time: the same SHA-256 of {@code rolloutId + ":" +
   * deviceId}, fed in two parts, with the device id's bytes made once per decision (and only if a
   * rollout needs them) and the hash written into a buffer it keeps.
   */
  private static final class Hasher {
    private final MessageDigest sha256 = newSha256();
    private final byte[] hash = new byte[32];
    private String deviceId;
    private byte[] deviceIdBytes;

    Hasher of(String deviceId) {
      this.deviceId = deviceId;
      this.deviceIdBytes = null;
      return this;
    }

    int bucket(byte[] prefix) {
      if (deviceIdBytes == null) {
        deviceIdBytes = deviceId.getBytes(StandardCharsets.UTF_8);
      }
      sha256.update(prefix);
      sha256.update(deviceIdBytes);
      try {
        sha256.digest(hash, 0, hash.length);
      } catch (DigestException e) {
        throw new IllegalStateException("SHA-256 did not fit 32 bytes", e);
      }
      long first4 = ((hash[0] & 0xffL) << 24) | ((hash[1] & 0xffL) << 16) | ((hash[2] & 0xffL) << 8) | (hash[3] & 0xffL);
      return (int) (first4 % Buckets.COUNT);
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
