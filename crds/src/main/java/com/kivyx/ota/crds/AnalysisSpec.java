package com.kivyx.ota.crds;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * The crash guardrail of a Rollout: while it rolls out, the release's failed-trial rate
 * (rolledBack / (healthy + rolledBack)) is tested against a limit every interval; a release
 * clearly above it is halted. Every field has a default (see the README, "Crash guardrails").
 */
public record AnalysisSpec(
    @JsonPropertyDescription("The failed-trial rate a release may have.") FailureRateLimit failureRateLimit,
    @JsonPropertyDescription("No halt before this many settled trials (default 50).") @Min(1) Integer minTrials,
    @JsonPropertyDescription("No halt before this many failed trials (default 5).") @Min(1) Integer minFailures,
    @JsonPropertyDescription("Bound on ever halting a release that is within its limit, however often it is checked (default 0.01).")
        @Min(value = 0, inclusive = false) @Max(value = 0.5, inclusive = false) Double falseHaltRate,
    @JsonPropertyDescription("How often to look, e.g. 1m (default).") @Pattern("^([0-9]+(s|m|h))+$") String interval,
    @JsonPropertyDescription("weightZero (default): out of the index; revoke: out for good, devices move off it; pause: keep the weight, stop the steps.")
        @Pattern("^(weightZero|revoke|pause)$") String onHalt,
    @JsonPropertyDescription("true: compute and report the verdict, never act on it.") Boolean dryRun) {

  public static final String WEIGHT_ZERO = "weightZero";
  public static final String REVOKE = "revoke";
  public static final String PAUSE = "pause";

  /** limit = max(floor, relativeToBaseline x the previous release's rate), or withoutBaseline. */
  public record FailureRateLimit(
      @JsonPropertyDescription("Multiple of the previous release's failed-trial rate (default 2.0).") @Min(1) Double relativeToBaseline,
      @JsonPropertyDescription("The limit is never below this rate (default 0.002).") @Min(value = 0, inclusive = false) @Max(value = 0.5, inclusive = false)
          Double floor,
      @JsonPropertyDescription("The limit without a usable previous release (default 0.02).") @Min(value = 0, inclusive = false)
          @Max(value = 0.5, inclusive = false) Double withoutBaseline,
      @JsonPropertyDescription("A previous release with fewer settled trials is not used (default 1000).") @Min(1) Integer minBaselineTrials) {}

  /** An evidence gate step: waits until this many trials have settled without a halt. */
  public record Gate(@JsonPropertyDescription("Settled trials needed to pass.") @io.fabric8.generator.annotation.Required @Min(1) Integer minTrials) {}
}
