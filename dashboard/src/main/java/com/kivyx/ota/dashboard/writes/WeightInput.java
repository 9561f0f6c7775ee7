package com.kivyx.ota.dashboard.writes;

import java.math.BigDecimal;

/** A weight typed into the channel page (0–100 %, up to two decimals) as basis points, like {@code rollout --weight}. */
public final class WeightInput {
  private WeightInput() {}

  public static int basisPoints(String percent) {
    BigDecimal bp;
    try {
      bp = new BigDecimal(percent == null ? "" : percent.trim().replaceFirst("%$", "")).movePointRight(2);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + percent + "' is not a percentage like 25 or 2.5");
    }
    if (bp.signum() < 0 || bp.compareTo(BigDecimal.valueOf(10_000)) > 0 || bp.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("'" + percent + "' must be a percentage from 0 to 100 with at most two decimals");
    }
    return bp.intValueExact();
  }
}
