package com.kivyx.ota.publish;

import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.RolloutInfo;
import java.util.ArrayList;
import java.util.List;

/** One change to a channel; applied to the freshest state on every compare-and-swap attempt. */
public interface ChannelChange {
  ChannelState apply(ChannelState current);

  /** A short description for progress messages and errors. */
  String describe();

  /** Whether to sign a new index even when the releases do not change (a refresh does). */
  default boolean alwaysSign() {
    return false;
  }

  /** Puts a release on the channel, or changes its rollout when it is there already. */
  static ChannelChange offer(ChannelRelease entry) {
    return new ChannelChange() {
      @Override
      public ChannelState apply(ChannelState current) {
        if (current.revoked().contains(entry.releaseId())) {
          throw new PublishException(
              "release " + entry.releaseId() + " was revoked on this channel and cannot come back; publish a new release");
        }
        List<ChannelRelease> releases = new ArrayList<>();
        for (ChannelRelease r : current.releases()) {
          if (!r.releaseId().equals(entry.releaseId())) {
            releases.add(r);
          }
        }
        releases.add(entry);
        return new ChannelState(current.version(), current.minVersionCode(), releases, current.revoked());
      }

      @Override
      public String describe() {
        return "offer " + entry.releaseId() + " at " + percent(entry.rollout().weight());
      }
    };
  }

  /** Changes the weight of a release already on the channel; its rollout id stays, so devices keep their buckets. */
  static ChannelChange setWeight(String releaseId, int weight) {
    return new ChannelChange() {
      @Override
      public ChannelState apply(ChannelState current) {
        List<ChannelRelease> releases = new ArrayList<>();
        boolean found = false;
        for (ChannelRelease r : current.releases()) {
          if (r.releaseId().equals(releaseId)) {
            found = true;
            RolloutInfo old = r.rollout();
            r = new ChannelRelease(r.releaseId(), r.versionCode(), r.runtimeVersion(), r.manifest(),
                new RolloutInfo(old.id(), weight, old.mandatory(), old.targeting()), r.transparency());
          }
          releases.add(r);
        }
        if (!found) {
          throw new PublishException("release " + releaseId + " is not on this channel; publish it with --channel first");
        }
        return new ChannelState(current.version(), current.minVersionCode(), releases, current.revoked());
      }

      @Override
      public String describe() {
        return "set " + releaseId + " to " + percent(weight);
      }
    };
  }

  /** Takes a release off the channel for good; devices on it move to the best remaining release. */
  static ChannelChange revoke(String releaseId) {
    return new ChannelChange() {
      @Override
      public ChannelState apply(ChannelState current) {
        if (current.revoked().contains(releaseId)) {
          return current;
        }
        List<ChannelRelease> releases =
            current.releases().stream().filter(r -> !r.releaseId().equals(releaseId)).toList();
        List<String> revoked = new ArrayList<>(current.revoked());
        revoked.add(releaseId);
        return new ChannelState(current.version(), current.minVersionCode(), releases, revoked);
      }

      @Override
      public String describe() {
        return "revoke " + releaseId;
      }
    };
  }

  /**
   * Makes the channel offer exactly these releases (the operator's view, rebuilt from its
   * Rollouts). Revoked releases stay revoked and are left out.
   */
  static ChannelChange replaceAll(List<ChannelRelease> entries) {
    return new ChannelChange() {
      @Override
      public ChannelState apply(ChannelState current) {
        List<ChannelRelease> releases =
            entries.stream().filter(r -> !current.revoked().contains(r.releaseId())).toList();
        return new ChannelState(current.version(), current.minVersionCode(), releases, current.revoked());
      }

      @Override
      public String describe() {
        return "offer " + entries.size() + " release(s)";
      }
    };
  }

  /** Re-signs the index with a fresh expiry and nothing else changed. */
  static ChannelChange refresh() {
    return new ChannelChange() {
      @Override
      public ChannelState apply(ChannelState current) {
        return current;
      }

      @Override
      public String describe() {
        return "re-sign";
      }

      @Override
      public boolean alwaysSign() {
        return true;
      }
    };
  }

  /**
   * This change, but only on the index version it was decided against (a person who looked at
   * version N). Applied on every compare-and-swap attempt, so a writer that slips in between
   * the read and the swap also makes it fail with {@link StaleIndexException} instead of the
   * change being reapplied on top of something nobody looked at.
   */
  static ChannelChange onVersion(long expected, ChannelChange change) {
    return new ChannelChange() {
      @Override
      public ChannelState apply(ChannelState current) {
        if (current.version() != expected) {
          throw new StaleIndexException(expected, current.version());
        }
        return change.apply(current);
      }

      @Override
      public String describe() {
        return change.describe() + " (on version " + expected + ")";
      }

      @Override
      public boolean alwaysSign() {
        return change.alwaysSign();
      }
    };
  }

  private static String percent(int basisPoints) {
    return (basisPoints / 100) + (basisPoints % 100 == 0 ? "" : "." + String.format("%02d", basisPoints % 100)) + "%";
  }
}
