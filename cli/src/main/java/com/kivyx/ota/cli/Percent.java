package com.kivyx.ota.cli;

import java.math.BigDecimal;
import picocli.CommandLine.ITypeConverter;

/** A rollout percentage (0–100, up to two decimals) as basis points (0–10000). */
final class Percent implements ITypeConverter<Integer> {
  @Override
  public Integer convert(String value) {
    BigDecimal basisPoints;
    try {
      basisPoints = new BigDecimal(value.trim().replaceFirst("%$", "")).movePointRight(2);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not a percentage like 25 or 2.5");
    }
    if (basisPoints.signum() < 0 || basisPoints.compareTo(BigDecimal.valueOf(10_000)) > 0 || basisPoints.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("'" + value + "' must be a percentage from 0 to 100 with at most two decimals");
    }
    return basisPoints.intValueExact();
  }
}
