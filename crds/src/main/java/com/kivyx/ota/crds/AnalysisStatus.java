package com.kivyx.ota.crds;

import java.util.Map;

/**
 * The guardrail's last look at a Rollout, with every number behind the verdict.
 *
 * @param run starts at 1; a resume starts run + 1 with a fresh count
 * @param verdict Pass, Halt or Inconclusive
 * @param startedAt the run's counts start here
 * @param limit the failed-trial rate limit and how it was derived
 * @param evidence likelihood ratio of "twice the limit" over "at the limit"; a halt needs 1 / falseHaltRate
 * @param failuresByReason rolled-back trials by the reason devices gave
 * @param query the PromQL the counts came from
 * @param action what a halt did (weightZero, revoke, pause, or dryRun: nothing)
 */
public record AnalysisStatus(
    Integer run,
    String verdict,
    String startedAt,
    String evaluatedAt,
    Long trials,
    Long failures,
    String failureRate,
    String limit,
    Double evidence,
    Map<String, Long> failuresByReason,
    Baseline baseline,
    String query,
    String message,
    String action) {
  public static final String PASS = "Pass";
  public static final String HALT = "Halt";
  public static final String INCONCLUSIVE = "Inconclusive";

  /** The previous release's counts as copied when the run started (fixed for the run). */
  public record Baseline(String rollout, String release, Long trials, Long failures) {}
}
