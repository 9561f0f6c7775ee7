package com.kivyx.ota.dashboard;

/** The dashboard could not start (port in use, bad address); the message says what to change. */
public final class DashboardStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DashboardStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
