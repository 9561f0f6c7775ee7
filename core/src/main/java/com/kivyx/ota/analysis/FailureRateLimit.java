package com.kivyx.ota.analysis;

import java.util.Optional;

/**
 * How the failed-trial rate limit is set: a multiple of the previous release's rate, never
 * below a floor, or a fixed rate when there is no usable previous release.
 *
 * @param relativeToBaseline the limit is this many times the baseline's rate
 * @param floor the limit never goes below this rate (a near-perfect baseline would halt everything)
 * @param withoutBaseline the limit when no baseline has at least {@code minBaselineTrials} trials
 * @param minBaselineTrials fewer settled baseline trials than this are too noisy to compare with
 */
public record FailureRateLimit(double relativeToBaseline, double floor, double withoutBaseline, long minBaselineTrials) {
  public static final FailureRateLimit DEFAULT = new FailureRateLimit(2.0, 0.002, 0.02, 1000);

  public FailureRateLimit {
    if (!(relativeToBaseline >= 1)) {
      throw new IllegalArgumentException("relativeToBaseline must be at least 1 (the limit cannot be below the baseline), got " + relativeToBaseline);
    }
    requireRate("floor", floor);
    requireRate("withoutBaseline", withoutBaseline);
    if (minBaselineTrials < 1) {
      throw new IllegalArgumentException("minBaselineTrials must be at least 1, got " + minBaselineTrials);
    }
  }

  private static void requireRate(String name, double rate) {
    if (!(rate > 0 && rate < 0.5)) {
      throw new IllegalArgumentException(name + " must be a rate above 0 and below 0.5 (e.g. 0.02 for 2%), got " + rate);
    }
  }

  /**
   * The limit for a run. The baseline's rate is smoothed, (x0 + 1) / (n0 + 2), so a baseline
   * without failures still gives a positive limit.
   */
  public Limit limitFor(Optional<Baseline> baseline) {
    if (baseline.isEmpty() || baseline.get().counts().trials() < minBaselineTrials) {
      String why = baseline.isEmpty() ? "no baseline" : "baseline " + baseline.get().release() + " has only " + baseline.get().counts().trials()
          + " trials (< " + minBaselineTrials + ")";
      return Limit.of(withoutBaseline, Optional.empty(), why + ": fixed limit " + Percent.of(withoutBaseline));
    }
    TrialCounts counts = baseline.get().counts();
    double smoothed = (counts.rolledBack() + 1.0) / (counts.trials() + 2.0);
    double relative = relativeToBaseline * smoothed;
    double limit = Math.min(0.49, Math.max(floor, relative));
    String how = relative >= floor
        ? trim(relativeToBaseline) + " x " + baseline.get().release() + "'s " + Percent.of(smoothed) + " (" + counts.rolledBack() + " of " + counts.trials() + ")"
        : "floor " + Percent.of(floor) + " (" + trim(relativeToBaseline) + " x " + baseline.get().release() + "'s " + Percent.of(smoothed) + " is lower)";
    return Limit.of(limit, baseline, how);
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
