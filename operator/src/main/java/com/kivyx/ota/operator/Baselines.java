package com.kivyx.ota.operator;

import com.kivyx.ota.analysis.Baseline;
import com.kivyx.ota.analysis.TrialCounts;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The release a Rollout replaces: the newest other Rollout of the same channel that reached
 * 100% (Completed or Superseded) with a Release of the same platform and runtime version and a
 * lower versionCode, and settled-trial totals in its status.
 */
final class Baselines {
  /** @param rollout the baseline's Rollout, named in the candidate's status */
  record Choice(String rollout, Baseline baseline) {}

  private record Candidate(Rollout rollout, Release release) {}

  private Baselines() {}

  static Optional<Choice> find(Rollout candidate, Release release, List<Rollout> siblings, Function<String, Release> releases) {
    return siblings.stream()
        .filter(other -> other.getSpec().channel().equals(candidate.getSpec().channel())
            && !other.getMetadata().getName().equals(candidate.getMetadata().getName())
            && other.getStatus() != null
            && other.getStatus().health() != null
            && (RolloutStatus.COMPLETED.equals(other.getStatus().phase()) || RolloutStatus.SUPERSEDED.equals(other.getStatus().phase())))
        .map(other -> new Candidate(other, releases.apply(other.getSpec().release())))
        .filter(c -> c.release() != null
            && c.release().getSpec().platform() == release.getSpec().platform()
            && c.release().getSpec().runtimeVersion().equals(release.getSpec().runtimeVersion())
            && c.release().getSpec().versionCode() < release.getSpec().versionCode())
        .max(Comparator.comparingLong(c -> c.release().getSpec().versionCode()))
        .map(c -> {
          var health = c.rollout().getStatus().health();
          return new Choice(c.rollout().getMetadata().getName(), new Baseline(c.rollout().getSpec().release(),
              new TrialCounts(health.healthy() == null ? 0 : health.healthy(), health.rolledBack() == null ? 0 : health.rolledBack())));
        });
  }
}
