package com.kivyx.ota.analysis;

import java.util.Locale;

/** Rates as people read them in a status message: 1.03%, 0.052%. */
public final class Percent {
  private Percent() {}

  public static String of(double rate) {
    double pct = rate * 100;
    if (pct == 0) {
      return "0%";
    }
    return String.format(Locale.ROOT, pct >= 1 ? "%.2f%%" : pct >= 0.1 ? "%.3f%%" : "%.4f%%", pct);
  }
}
