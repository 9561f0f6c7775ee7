package com.kivyx.ota.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Wald's sequential probability ratio test on the failed-trial rate, limit L against twice the
 * limit (p1), on cumulative counts since the run started. It halts when
 *
 * <pre>  x ln(p1/L) + (n - x) ln((1 - p1)/(1 - L)) >= ln(1/alpha)</pre>
 *
 * with at least minTrials trials and minFailures failures. Under any true rate at or below L
 * the likelihood ratio is a nonnegative supermartingale, so by Ville's inequality it ever
 * reaches 1/alpha with probability at most alpha: the false-halt bound holds however often the
 * test is looked at, which a threshold re-checked every minute does not.
 */
public final class SequentialTest {
  private final AnalysisPolicy policy;
  private final Duration maxAge;

  /** @param maxAge counts older than this at a look are stale: inconclusive */
  public SequentialTest(AnalysisPolicy policy, Duration maxAge) {
    this.policy = policy;
    this.maxAge = maxAge;
  }

  public AnalysisPolicy policy() {
    return policy;
  }

  /** The log-likelihood ratio of "at the alternative" over "at the limit" for these counts. */
  public static double logLikelihoodRatio(TrialCounts c, Limit limit) {
    double up = Math.log(limit.alternative() / limit.rate());
    double down = Math.log((1 - limit.rate()) / (1 - limit.alternative()));
    return c.rolledBack() * up - (c.trials() - c.rolledBack()) * down;
  }

  /** Whether these counts halt (the verdict's test without its message; for simulations). */
  public boolean halts(TrialCounts c, Limit limit) {
    return c.trials() >= policy.minTrials() && c.rolledBack() >= policy.minFailures()
        && logLikelihoodRatio(c, limit) >= Math.log(1 / policy.falseHaltRate());
  }

  /**
   * @param requiredTrials settled trials a gate waits for (at least minTrials is always required to pass)
   */
  public Evaluation evaluate(Observation observation, Limit limit, long requiredTrials, Instant now) {
    long required = Math.max(policy.minTrials(), requiredTrials);
    double up = Math.log(limit.alternative() / limit.rate());
    double down = Math.log((1 - limit.rate()) / (1 - limit.alternative()));
    double haltAt = Math.log(1 / policy.falseHaltRate());
    double intercept = haltAt / (up + down);
    double slope = down / (up + down);
    String limitText = "limit " + limit;
    if (observation instanceof Observation.Missing missing) {
      return new Evaluation(Verdict.INCONCLUSIVE, Optional.empty(), limit, 0, haltAt, intercept, slope, required,
          "inconclusive, nothing halted or passed: no data (" + missing.why() + "); " + limitText);
    }
    Observation.Counted counted = (Observation.Counted) observation;
    TrialCounts c = counted.counts();
    long n = c.trials();
    long x = c.rolledBack();
    double llr = logLikelihoodRatio(c, limit);
    String numbers = x + " of " + n + " settled trials failed (" + Percent.of(c.failureRate()) + "); " + limitText
        + String.format(Locale.ROOT, "; %.1f expected at the limit; evidence %s:1 %s %s:1 (false-halt rate %s); halt line %s = %.1f",
            limit.rate() * n, ratio(Math.exp(llr)), llr >= haltAt ? ">=" : "<", ratio(1 / policy.falseHaltRate()),
            Percent.of(policy.falseHaltRate()), Evaluation.line(intercept, slope),
            intercept + slope * n);
    Duration age = Duration.between(counted.at(), now);
    if (age.compareTo(maxAge) > 0) {
      return new Evaluation(Verdict.INCONCLUSIVE, Optional.of(c), limit, llr, haltAt, intercept, slope, required,
          "inconclusive, nothing halted or passed: the counts are " + age.toSeconds() + "s old (> " + maxAge.toSeconds() + "s); " + numbers);
    }
    if (llr >= haltAt) {
      if (n >= policy.minTrials() && x >= policy.minFailures()) {
        return new Evaluation(Verdict.HALT, Optional.of(c), limit, llr, haltAt, intercept, slope, required, "halt: " + numbers);
      }
      // Evidence enough to halt but too few trials or failures to act on: wait, never pass.
      return new Evaluation(Verdict.INCONCLUSIVE, Optional.of(c), limit, llr, haltAt, intercept, slope, required,
          "inconclusive: the evidence would halt but a halt needs at least " + policy.minTrials() + " trials and " + policy.minFailures()
              + " failures; " + numbers);
    }
    if (n >= required) {
      return new Evaluation(Verdict.PASS, Optional.of(c), limit, llr, haltAt, intercept, slope, required, "pass: " + numbers);
    }
    return new Evaluation(Verdict.INCONCLUSIVE, Optional.of(c), limit, llr, haltAt, intercept, slope, required,
        "inconclusive: " + n + " of " + required + " required trials settled; " + numbers);
  }

  private static String ratio(double r) {
    if (r >= 1e6) {
      return String.format(Locale.ROOT, "%.1e", r);
    }
    return r >= 10 ? String.valueOf(Math.round(r)) : String.format(Locale.ROOT, "%.2f", r);
  }
}
