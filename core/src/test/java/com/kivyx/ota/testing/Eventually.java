package com.kivyx.ota.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for something a background process does (a reconcile, a poll); no fixed sleeps in tests. */
public final class Eventually {
  private Eventually() {}

  /** Polls {@code condition} until it holds; an exception while checking counts as "not yet". */
  public static void await(String what, Duration timeout, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Boolean ok;
      try {
        ok = condition.get();
      } catch (RuntimeException e) {
        ok = false;
      }
      if (Boolean.TRUE.equals(ok)) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
  }
}
