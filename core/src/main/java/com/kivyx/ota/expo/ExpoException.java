package com.kivyx.ota.expo;

/** An Expo input (key, certificate, export directory, stored document) that cannot be used; the message says why. */
public class ExpoException extends RuntimeException {
  public ExpoException(String message) {
    super(message);
  }

  public ExpoException(String message, Throwable cause) {
    super(message, cause);
  }
}
