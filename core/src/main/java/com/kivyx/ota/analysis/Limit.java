package com.kivyx.ota.analysis;

import java.util.Optional;

/**
 * The failed-trial rate a release may have without being halted, the rate the test is tuned to
 * detect ({@code alternative}, twice the limit), and how the limit was derived, for messages.
 */
public record Limit(double rate, double alternative, Optional<Baseline> baseline, String derivation) {
  public Limit {
    if (!(rate > 0 && rate < 0.5)) {
      throw new IllegalArgumentException("a limit is a rate above 0 and below 0.5, got " + rate);
    }
    if (!(alternative > rate && alternative < 1)) {
      throw new IllegalArgumentException("the alternative rate must be above the limit and below 1, got " + alternative);
    }
  }

  /** The limit with its alternative at twice the limit (or halfway to 1 for large limits). */
  public static Limit of(double rate, Optional<Baseline> baseline, String derivation) {
    return new Limit(rate, Math.min(2 * rate, (1 + rate) / 2), baseline, derivation);
  }

  @Override
  public String toString() {
    return Percent.of(rate) + " (" + derivation + ")";
  }
}
