package com.kivyx.ota.server;

/** Input a client must fix; answered with its status and {@code {"error", "message"}}. */
final class BadRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;

  BadRequestException(int status, String error, String message) {
    super(message, null, false, false); // no stack trace: this is a normal answer, not a fault
    this.status = status;
    this.error = error;
  }

  BadRequestException(String error, String message) {
    this(400, error, message);
  }

  int status() {
    return status;
  }

  String error() {
    return error;
  }
}
