package com.kivyx.ota.analysis;

/**
 * What a Rollout's {@code spec.analysis} asks of the rule.
 *
 * @param minTrials no halt before this many settled trials
 * @param minFailures no halt before this many failed trials
 * @param falseHaltRate the bound on ever halting a release whose true rate is at or below the limit
 */
public record AnalysisPolicy(FailureRateLimit limit, long minTrials, long minFailures, double falseHaltRate) {
  public static final AnalysisPolicy DEFAULT = new AnalysisPolicy(FailureRateLimit.DEFAULT, 50, 5, 0.01);

  public AnalysisPolicy {
    if (minTrials < 1 || minFailures < 1) {
      throw new IllegalArgumentException("minTrials and minFailures must be at least 1, got " + minTrials + " and " + minFailures);
    }
    if (!(falseHaltRate > 0 && falseHaltRate < 0.5)) {
      throw new IllegalArgumentException("falseHaltRate must be above 0 and below 0.5 (e.g. 0.01), got " + falseHaltRate);
    }
  }
}
