package com.kivyx.ota.transparency;

/** The log could not be reached or would not take an entry; the message says what to do. */
public class TransparencyLogException extends RuntimeException {
  public TransparencyLogException(String message) {
    super(message);
  }

  public TransparencyLogException(String message, Throwable cause) {
    super(message, cause);
  }
}
