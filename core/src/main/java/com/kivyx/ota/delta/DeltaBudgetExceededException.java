package com.kivyx.ota.delta;

/** Encoding would take more time or memory than its {@link DeltaBudget}; publish without a delta. */
public final class DeltaBudgetExceededException extends DeltaException {
  private static final long serialVersionUID = 1L;

  public DeltaBudgetExceededException(String message) {
    super(message);
  }
}
