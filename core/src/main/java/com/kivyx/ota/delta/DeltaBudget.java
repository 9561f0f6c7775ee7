package com.kivyx.ota.delta;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits for creating one delta. Past either, the encoder throws {@link
 * DeltaBudgetExceededException} so the release is published without that delta.
 *
 * @param maxTime wall-clock time for one encode
 * @param maxMemoryBytes upper bound for the encoder's memory estimate (heap arrays plus Brotli's
 *     native working memory), checked before any large allocation
 */
public record DeltaBudget(Duration maxTime, long maxMemoryBytes) {
  public static final DeltaBudget DEFAULT = new DeltaBudget(Duration.ofSeconds(10), 512L << 20);

  public DeltaBudget {
    Objects.requireNonNull(maxTime, "maxTime");
    if (maxTime.isNegative() || maxTime.isZero()) {
      throw new IllegalArgumentException("maxTime must be positive, got " + maxTime);
    }
    if (maxMemoryBytes <= 0) {
      throw new IllegalArgumentException("maxMemoryBytes must be positive, got " + maxMemoryBytes);
    }
  }

  /** Time left from a start given by {@link System#nanoTime()}; checked between and inside phases. */
  Deadline startNow() {
    long now = System.nanoTime();
    return new Deadline(now, now + maxTime.toNanos(), maxTime);
  }

  /** A running encode's deadline. */
  record Deadline(long startNanos, long endNanos, Duration maxTime) {
    /** True once half the time is used: optional extra work is skipped then. */
    boolean pastHalf() {
      return System.nanoTime() - startNanos > (endNanos - startNanos) / 2;
    }

    void check(String phase) throws DeltaBudgetExceededException {
      if (System.nanoTime() - endNanos > 0) {
        throw new DeltaBudgetExceededException(
            "delta encoding exceeded its time budget of "
                + maxTime.toMillis()
                + " ms during "
                + phase
                + "; publish without a delta or raise the budget");
      }
    }
  }
}
