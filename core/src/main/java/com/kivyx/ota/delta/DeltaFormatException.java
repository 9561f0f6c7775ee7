package com.kivyx.ota.delta;

/** The patch is not a well-formed kvxd1 patch (truncated, corrupted, wrong magic, over a limit). */
public final class DeltaFormatException extends DeltaException {
  private static final long serialVersionUID = 1L;

  public DeltaFormatException(String message) {
    super(message);
  }

  public DeltaFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
