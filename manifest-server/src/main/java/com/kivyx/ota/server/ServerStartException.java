package com.kivyx.ota.server;

/** The server could not start (port taken, bad host); the message says what to change. */
public final class ServerStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ServerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
