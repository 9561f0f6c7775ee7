package com.kivyx.ota.delta;

/** Base of every failure the delta engine reports; callers fall back to the full bundle on any. */
public abstract sealed class DeltaException extends Exception
    permits DeltaFormatException, DeltaMismatchException, DeltaBudgetExceededException {
  private static final long serialVersionUID = 1L;

  DeltaException(String message) {
    super(message);
  }

  DeltaException(String message, Throwable cause) {
    super(message, cause);
  }
}
