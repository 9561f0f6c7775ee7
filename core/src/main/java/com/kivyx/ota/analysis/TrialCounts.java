package com.kivyx.ota.analysis;

/**
 * Settled trials of one release: devices that marked it healthy and devices that rolled it back.
 * Trials still running (applied, not yet settled) are not in it.
 */
public record TrialCounts(long healthy, long rolledBack) {
  public static final TrialCounts NONE = new TrialCounts(0, 0);

  public TrialCounts {
    if (healthy < 0 || rolledBack < 0) {
      throw new IllegalArgumentException("trial counts cannot be negative: healthy " + healthy + ", rolledBack " + rolledBack);
    }
  }

  public long trials() {
    return healthy + rolledBack;
  }

  /** rolledBack / trials; 0 without trials. */
  public double failureRate() {
    return trials() == 0 ? 0 : (double) rolledBack / trials();
  }

  /** The counts since {@code earlier} was taken (a fresh run after a resume). */
  public TrialCounts minus(TrialCounts earlier) {
    return new TrialCounts(Math.max(0, healthy - earlier.healthy), Math.max(0, rolledBack - earlier.rolledBack));
  }

  @Override
  public String toString() {
    return rolledBack + " of " + trials() + " (" + Percent.of(failureRate()) + ")";
  }
}
