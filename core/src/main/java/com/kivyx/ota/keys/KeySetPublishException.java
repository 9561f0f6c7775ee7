package com.kivyx.ota.keys;

/** A key set that cannot be published as asked; the message says what to change. */
public final class KeySetPublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KeySetPublishException(String message) {
    super(message);
  }
}
