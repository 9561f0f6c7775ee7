package com.kivyx.ota.analysis;

import java.util.Locale;
import java.util.Optional;

/**
 * One look's verdict with every number behind it, so a status, an Event or a log line can say
 * why. The halt region is the line {@code failures >= intercept + slope x trials}.
 *
 * @param counts empty when there was no data
 * @param logLikelihoodRatio ln of the evidence for "at twice the limit" over "at the limit"
 * @param haltAt ln(1 / falseHaltRate): the evidence needed to halt
 * @param requiredTrials settled trials needed before the verdict can be PASS
 */
public record Evaluation(
    Verdict verdict,
    Optional<TrialCounts> counts,
    Limit limit,
    double logLikelihoodRatio,
    double haltAt,
    double intercept,
    double slope,
    long requiredTrials,
    String message) {

  /** The likelihood ratio itself (253 means 253:1 for "twice the limit"). */
  public double evidence() {
    return Math.exp(logLikelihoodRatio);
  }

  /** Failures that would halt at {@code trials}, ignoring minTrials and minFailures. */
  public double haltLineAt(long trials) {
    return intercept + slope * trials;
  }

  /** "x >= 6.5 + 1.49% x n" */
  public String haltLine() {
    return line(intercept, slope);
  }

  static String line(double intercept, double slope) {
    return String.format(Locale.ROOT, "failures >= %.1f + %s x trials", intercept, Percent.of(slope));
  }
}
