package com.kivyx.ota.server.codepush;

/** Input a CodePush client must fix; answered with its status and {@code {"error", "message"}}. */
final class CodePushRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;

  CodePushRequestException(int status, String error, String message) {
    super(message, null, false, false); // a normal answer, not a fault: no stack trace
    this.status = status;
    this.error = error;
  }

  static CodePushRequestException malformed(String message) {
    return new CodePushRequestException(400, "malformed_request", message);
  }

  int status() {
    return status;
  }

  String error() {
    return error;
  }
}
