package com.kivyx.ota.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The rule on numbers a release engineer can check with a calculator (README "Crash guardrails"). */
class SequentialTestTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private final SequentialTest test = new SequentialTest(AnalysisPolicy.DEFAULT, Duration.ofMinutes(5));
  /** 31 of 6,204 rolled back: (31 + 1) / (6,204 + 2) = 0.5156%, limit 2 x that = 1.0313%. */
  private final Limit worked = FailureRateLimit.DEFAULT.limitFor(Optional.of(new Baseline("app-1-0-0", new TrialCounts(6204 - 31, 31))));

  private Evaluation look(long healthy, long rolledBack, Limit limit, long required) {
    return test.evaluate(new Observation.Counted(new TrialCounts(healthy, rolledBack), NOW), limit, required, NOW);
  }

  @Test
  void theWorkedExampleHalts() {
    assertThat(worked.rate()).isCloseTo(2 * 32.0 / 6206, within(1e-12));
    assertThat(worked.alternative()).isCloseTo(2 * worked.rate(), within(1e-12));
    Evaluation e = look(412 - 14, 14, worked, 0);
    // 14 ln 2 - 398 ln(0.989687 / 0.979374) = 9.7041 - 4.1690
    assertThat(e.logLikelihoodRatio()).isCloseTo(5.535, within(0.001));
    assertThat(e.evidence()).isCloseTo(253, within(1.0));
    assertThat(e.intercept()).isCloseTo(6.545, within(0.001));
    assertThat(e.slope()).isCloseTo(0.014887, within(0.000001));
    assertThat(e.verdict()).isEqualTo(Verdict.HALT);
    assertThat(e.message()).contains("14 of 412", "3.40%", "1.03%", "app-1-0-0", "31 of 6204", "253:1 >= 100:1", "4.2 expected");
  }

  @Test
  void theHaltLineIsWhereTheVerdictTurns() {
    // line at 412 trials: 6.545 + 0.014887 x 412 = 12.68 failures
    assertThat(look(412 - 12, 12, worked, 0).verdict()).isEqualTo(Verdict.PASS);
    assertThat(look(412 - 13, 13, worked, 0).verdict()).isEqualTo(Verdict.HALT);
    // and at 1,000 trials: 21.43
    assertThat(look(1000 - 21, 21, worked, 0).verdict()).isEqualTo(Verdict.PASS);
    assertThat(look(1000 - 22, 22, worked, 0).verdict()).isEqualTo(Verdict.HALT);
  }

  @Test
  void noHaltBeforeMinTrialsOrMinFailuresAndNoPassEither() {
    Limit fixed = FailureRateLimit.DEFAULT.limitFor(Optional.empty()); // 2%
    // 8 of 20: evidence 8 ln 2 - 12 ln(0.98/0.96) = 5.30 >= ln 100 = 4.61, but 20 < minTrials 50
    Evaluation early = look(12, 8, fixed, 0);
    assertThat(early.logLikelihoodRatio()).isGreaterThan(early.haltAt());
    assertThat(early.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    AnalysisPolicy tenFailures = new AnalysisPolicy(FailureRateLimit.DEFAULT, 50, 10, 0.01);
    // 9 of 60: evidence 6.24 - 1.05 = 5.19, 60 trials, but 9 < minFailures 10; n >= 50 must still not pass
    Evaluation few = new SequentialTest(tenFailures, Duration.ofMinutes(5)).evaluate(
        new Observation.Counted(new TrialCounts(51, 9), NOW), fixed, 0, NOW);
    assertThat(few.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(few.message()).contains("needs at least 50 trials and 10 failures");
  }

  @Test
  void aGatePassesOnlyWithItsTrials() {
    assertThat(look(299, 0, worked, 300).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(look(300, 0, worked, 300).verdict()).isEqualTo(Verdict.PASS);
    // the policy's minTrials applies to a gate asking for fewer
    assertThat(look(49, 0, worked, 10).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(look(0, 0, worked, 0).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void missingOrStaleDataNeverHaltsNorPasses() {
    Evaluation missing = test.evaluate(new Observation.Missing("Prometheus answered 503"), worked, 0, NOW);
    assertThat(missing.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(missing.counts()).isEmpty();
    assertThat(missing.message()).contains("Prometheus answered 503", "nothing halted or passed");
    Evaluation stale = test.evaluate(new Observation.Counted(new TrialCounts(300, 100), NOW.minusSeconds(301)), worked, 0, NOW);
    assertThat(stale.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(stale.message()).contains("301s old");
    Evaluation fresh = test.evaluate(new Observation.Counted(new TrialCounts(300, 100), NOW.minusSeconds(299)), worked, 0, NOW);
    assertThat(fresh.verdict()).isEqualTo(Verdict.HALT);
  }

  @Test
  void theLimitComesFromTheBaselineWithAFloorAndAFallback() {
    Limit floor = FailureRateLimit.DEFAULT.limitFor(Optional.of(new Baseline("b", new TrialCounts(5000, 0))));
    assertThat(floor.rate()).isEqualTo(0.002); // 2 x 1/5002 = 0.04% is below the 0.2% floor
    assertThat(floor.derivation()).startsWith("floor 0.200%");
    Limit tooFew = FailureRateLimit.DEFAULT.limitFor(Optional.of(new Baseline("b", new TrialCounts(989, 10))));
    assertThat(tooFew.rate()).isEqualTo(0.02); // 999 trials < minBaselineTrials 1000
    assertThat(tooFew.baseline()).isEmpty();
    assertThat(tooFew.derivation()).contains("only 999 trials");
    Limit none = FailureRateLimit.DEFAULT.limitFor(Optional.empty());
    assertThat(none.rate()).isEqualTo(0.02);
    assertThat(none.alternative()).isEqualTo(0.04);
  }

  @Test
  void invalidPoliciesSayWhatToFix() {
    assertThatThrownBy(() -> new FailureRateLimit(0.5, 0.002, 0.02, 1000)).hasMessageContaining("relativeToBaseline must be at least 1");
    assertThatThrownBy(() -> new FailureRateLimit(2, 0, 0.02, 1000)).hasMessageContaining("floor must be a rate above 0");
    assertThatThrownBy(() -> new AnalysisPolicy(FailureRateLimit.DEFAULT, 50, 5, 0.5)).hasMessageContaining("falseHaltRate");
  }

  /**
   * The bound under repeated looks: 4,000 seeded rollouts at exactly the limit, looked at after
   * every single trial up to 5,000 trials. Ville's inequality says at most 1% halt; the same
   * paths under "rate above the limit on more than 3 looks" halt most of the time.
   */
  @Test
  void theFalseHaltRateHoldsHoweverOftenItIsChecked() {
    Limit limit = Limit.of(0.01, Optional.empty(), "test");
    RolloutSimulator simulator = new RolloutSimulator(5000, 1);
    SplittableRandom random = new SplittableRandom(14);
    int sprtHalts = 0;
    int thresholdHalts = 0;
    int rollouts = 4000;
    for (int r = 0; r < rollouts; r++) {
      long[] halted = simulator.run(0.01, random, () -> c -> test.halts(c, limit), () -> {
        int[] failed = {0};
        return c -> c.trials() >= 50 && c.failureRate() > limit.rate() && ++failed[0] > 3;
      });
      sprtHalts += halted[0] > 0 ? 1 : 0;
      thresholdHalts += halted[1] > 0 ? 1 : 0;
    }
    assertThat((double) sprtHalts / rollouts).isLessThanOrEqualTo(0.01);
    assertThat((double) thresholdHalts / rollouts).isGreaterThan(0.5);
  }
}
