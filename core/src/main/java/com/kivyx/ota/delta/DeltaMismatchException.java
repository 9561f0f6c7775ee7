package com.kivyx.ota.delta;

/**
 * The patch is well formed but does not fit: it was made for another old file, or the bytes it
 * produced do not hash to the new file's SHA-256 it promises.
 */
public final class DeltaMismatchException extends DeltaException {
  private static final long serialVersionUID = 1L;

  public DeltaMismatchException(String message) {
    super(message);
  }
}
