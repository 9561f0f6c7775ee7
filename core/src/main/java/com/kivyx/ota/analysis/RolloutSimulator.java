package com.kivyx.ota.analysis;

import java.util.SplittableRandom;

/**
 * Seeded simulated rollouts: settled trials arrive one by one, each failing with a true rate,
 * and a rule looks at the cumulative counts every {@code lookEvery} trials. Used by the
 * benchmark and by the test that checks the false-halt bound.
 */
public final class RolloutSimulator {
  /** A rule that looks at cumulative counts and says whether to halt now; may keep state per rollout. */
  public interface Rule {
    /** A fresh instance for one rollout. */
    Look start();
  }

  /** One rollout's looks. */
  public interface Look {
    boolean halts(TrialCounts counts);
  }

  private final int maxTrials;
  private final int lookEvery;

  public RolloutSimulator(int maxTrials, int lookEvery) {
    if (maxTrials < 1 || lookEvery < 1) {
      throw new IllegalArgumentException("maxTrials and lookEvery must be positive");
    }
    this.maxTrials = maxTrials;
    this.lookEvery = lookEvery;
  }

  /**
   * Runs one rollout for each rule on the same trial sequence.
   *
   * @return per rule, the trials settled when it halted, or -1 if it never did within maxTrials
   */
  public long[] run(double trueRate, SplittableRandom random, Rule... rules) {
    Look[] looks = new Look[rules.length];
    long[] haltedAt = new long[rules.length];
    for (int i = 0; i < rules.length; i++) {
      looks[i] = rules[i].start();
      haltedAt[i] = -1;
    }
    int running = rules.length;
    long failures = 0;
    for (int n = 1; n <= maxTrials && running > 0; n++) {
      if (random.nextDouble() < trueRate) {
        failures++;
      }
      if (n % lookEvery == 0) {
        TrialCounts counts = new TrialCounts(n - failures, failures);
        for (int i = 0; i < rules.length; i++) {
          if (haltedAt[i] < 0 && looks[i].halts(counts)) {
            haltedAt[i] = n;
            running--;
          }
        }
      }
    }
    return haltedAt;
  }

  /** A baseline's counts drawn with its own noise. */
  public static TrialCounts baseline(double trueRate, int trials, SplittableRandom random) {
    long failures = 0;
    for (int i = 0; i < trials; i++) {
      if (random.nextDouble() < trueRate) {
        failures++;
      }
    }
    return new TrialCounts(trials - failures, failures);
  }
}
