package com.kivyx.ota.format;

/** A manifest or index that breaks a rule of its format; the message names the field. */
public final class InvalidDocumentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidDocumentException(String message) {
    super(message);
  }

  public InvalidDocumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
