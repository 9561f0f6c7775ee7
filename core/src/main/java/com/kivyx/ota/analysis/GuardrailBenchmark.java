package com.kivyx.ota.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Runs the guardrail over many seeded simulated rollouts beside a fixed-threshold rule like
 * Argo Rollouts' {@code failureLimit} (a look fails when the cumulative rate is above the
 * limit; halt after more than {@code failureLimit} failed looks), on the same trial sequences
 * and the same limit. Each rollout draws its baseline with the baseline's own noise.
 *
 * @param baselineRate the previous release's true failed-trial rate
 * @param baselineTrials its settled trials
 * @param maxTrials candidate trials per simulated rollout
 * @param lookEvery trials between two looks (a look per interval)
 * @param failureLimit the threshold rule's allowed failed looks
 */
public record GuardrailBenchmark(
    AnalysisPolicy policy, double baselineRate, int baselineTrials, int rollouts, int maxTrials, int lookEvery, int failureLimit, long seed) {

  /** One row: a candidate's true rate as a multiple of the baseline's (or exactly at the limit). */
  public record Scenario(String name, double multiple, boolean atLimit) {}

  public static final List<Scenario> SCENARIOS = List.of(
      new Scenario("at the limit (p = L)", 0, true),
      new Scenario("1x baseline (as good)", 1, false),
      new Scenario("2x baseline", 2, false),
      new Scenario("5x baseline", 5, false),
      new Scenario("10x baseline", 10, false));

  /** Halts of one rule in one scenario. */
  public record Outcome(String rule, Scenario scenario, int rollouts, long[] haltedAt) {
    public double haltedFraction() {
      return (double) haltedAt.length / rollouts;
    }

    /** The q-quantile of trials to halt over the rollouts that halted; -1 if none did. */
    public long quantile(double q) {
      if (haltedAt.length == 0) {
        return -1;
      }
      long[] sorted = haltedAt.clone();
      Arrays.sort(sorted);
      return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }
  }

  public List<Outcome> run() {
    SequentialTest sprt = new SequentialTest(policy, java.time.Duration.ZERO);
    List<Outcome> out = new ArrayList<>();
    for (int s = 0; s < SCENARIOS.size(); s++) {
      Scenario scenario = SCENARIOS.get(s);
      // Every scenario gets its own seeded stream, so adding a row never changes another.
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + s);
      List<Long> sprtHalts = new ArrayList<>();
      List<Long> fixedHalts = new ArrayList<>();
      for (int r = 0; r < rollouts; r++) {
        TrialCounts base = RolloutSimulator.baseline(baselineRate, baselineTrials, random);
        Limit limit = policy.limit().limitFor(Optional.of(new Baseline("baseline", base)));
        double trueRate = scenario.atLimit() ? limit.rate() : Math.min(1, scenario.multiple() * baselineRate);
        RolloutSimulator.Rule guardrail = () -> c -> sprt.halts(c, limit);
        RolloutSimulator.Rule threshold = () -> {
          int[] failedLooks = {0};
          return c -> c.trials() >= policy.minTrials() && c.failureRate() > limit.rate() && ++failedLooks[0] > failureLimit;
        };
        long[] halted = new RolloutSimulator(maxTrials, lookEvery).run(trueRate, random, guardrail, threshold);
        if (halted[0] > 0) {
          sprtHalts.add(halted[0]);
        }
        if (halted[1] > 0) {
          fixedHalts.add(halted[1]);
        }
      }
      out.add(new Outcome("guardrail (SPRT, false-halt rate " + Percent.of(policy.falseHaltRate()) + ")", scenario, rollouts, toArray(sprtHalts)));
      out.add(new Outcome("fixed threshold (rate > L on > " + failureLimit + " looks)", scenario, rollouts, toArray(fixedHalts)));
    }
    return out;
  }

  private static long[] toArray(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  /** A Markdown table of the outcomes. */
  public String table(List<Outcome> outcomes) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "baseline %s of %d trials (drawn per rollout), limit = max(%s, %s x baseline), %d rollouts per row,%n",
        Percent.of(baselineRate), baselineTrials, Percent.of(policy.limit().floor()), policy.limit().relativeToBaseline(), rollouts));
    sb.append(String.format(Locale.ROOT, "up to %d candidate trials, a look every %d trials, minTrials %d, minFailures %d, seed %d%n%n",
        maxTrials, lookEvery, policy.minTrials(), policy.minFailures(), seed));
    sb.append("| candidate | rule | halted | median trials to halt | p95 trials to halt |\n|---|---|---|---|---|\n");
    for (Outcome o : outcomes) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f%% | %s | %s |%n", o.scenario().name(), o.rule(), 100 * o.haltedFraction(),
          o.quantile(0.5) < 0 ? "-" : String.valueOf(o.quantile(0.5)), o.quantile(0.95) < 0 ? "-" : String.valueOf(o.quantile(0.95))));
    }
    return sb.toString();
  }
}
