package com.kivyx.ota.delta;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits for creating one delta. Past either, the encoder throws {@link
 * DeltaBudgetExceededException} so the release is published without that delta.
 *
 * @param maxTime CPU time of the encoding thread for one encode. CPU time, not wall-clock time:
 *     the budget bounds the work, so a publisher on a busy machine (a shared CI runner, a node
 *     under load) makes the same deltas as on a quiet one instead of giving them up
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

  /** The budget of an encode that runs on the calling thread from now; checked between and inside phases. */
  Deadline startNow() {
    ThreadCpuClock clock = new ThreadCpuClock();
    long now = clock.nanos();
    return new Deadline(clock, now, now + maxTime.toNanos(), maxTime);
  }

  /** A running encode's deadline, on the CPU clock of the thread that started it. */
  record Deadline(ThreadCpuClock clock, long startNanos, long endNanos, Duration maxTime) {
    /** True once half the time is used: optional extra work is skipped then. */
    boolean pastHalf() {
      return clock.nanos() - startNanos > (endNanos - startNanos) / 2;
    }

    void check(String phase) throws DeltaBudgetExceededException {
      if (clock.nanos() - endNanos > 0) {
        throw new DeltaBudgetExceededException(
            "delta encoding exceeded its time budget of "
                + maxTime.toMillis()
                + " ms of CPU time during "
                + phase
                + "; publish without a delta or raise the budget");
      }
    }
  }
}
