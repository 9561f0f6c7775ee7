package com.kivyx.ota.publish;

/** A release or rollout that cannot be published as asked; the message says what to change. */
public final class PublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PublishException(String message) {
    super(message);
  }

  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
