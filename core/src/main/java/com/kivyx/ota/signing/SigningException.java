package com.kivyx.ota.signing;

/** A key that could not be loaded or could not sign; the message says what to fix. */
public final class SigningException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SigningException(String message) {
    super(message);
  }

  public SigningException(String message, Throwable cause) {
    super(message, cause);
  }
}
