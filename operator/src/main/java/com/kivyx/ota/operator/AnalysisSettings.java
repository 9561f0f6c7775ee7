package com.kivyx.ota.operator;

import com.kivyx.ota.analysis.AnalysisPolicy;
import com.kivyx.ota.analysis.FailureRateLimit;
import com.kivyx.ota.crds.AnalysisSpec;
import java.time.Duration;

/** A Rollout's {@code spec.analysis} with its defaults filled in. */
record AnalysisSettings(AnalysisPolicy policy, Duration interval, String onHalt, boolean dryRun) {
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  /** @param spec may be null: a Rollout with only gate steps gets the defaults */
  static AnalysisSettings of(AnalysisSpec spec) {
    if (spec == null) {
      return new AnalysisSettings(AnalysisPolicy.DEFAULT, DEFAULT_INTERVAL, AnalysisSpec.WEIGHT_ZERO, false);
    }
    FailureRateLimit d = FailureRateLimit.DEFAULT;
    AnalysisSpec.FailureRateLimit l = spec.failureRateLimit();
    FailureRateLimit limit = l == null ? d : new FailureRateLimit(
        l.relativeToBaseline() == null ? d.relativeToBaseline() : l.relativeToBaseline(),
        l.floor() == null ? d.floor() : l.floor(),
        l.withoutBaseline() == null ? d.withoutBaseline() : l.withoutBaseline(),
        l.minBaselineTrials() == null ? d.minBaselineTrials() : l.minBaselineTrials());
    AnalysisPolicy p = AnalysisPolicy.DEFAULT;
    AnalysisPolicy policy = new AnalysisPolicy(limit,
        spec.minTrials() == null ? p.minTrials() : spec.minTrials(),
        spec.minFailures() == null ? p.minFailures() : spec.minFailures(),
        spec.falseHaltRate() == null ? p.falseHaltRate() : spec.falseHaltRate());
    return new AnalysisSettings(policy,
        spec.interval() == null ? DEFAULT_INTERVAL : RolloutSteps.parse(spec.interval()),
        spec.onHalt() == null ? AnalysisSpec.WEIGHT_ZERO : spec.onHalt(),
        Boolean.TRUE.equals(spec.dryRun()));
  }

  /** Counts older than this are stale (Inconclusive): three looks, and never under 90 s of scrape jitter. */
  Duration maxAge() {
    Duration three = interval.multipliedBy(3);
    return three.compareTo(Duration.ofSeconds(90)) < 0 ? Duration.ofSeconds(90) : three;
  }
}
