package com.kivyx.ota.prometheus;

/** Prometheus could not answer a query (unreachable, an error status, a malformed answer). */
public final class PrometheusException extends Exception {
  private static final long serialVersionUID = 1L;

  public PrometheusException(String message) {
    super(message);
  }

  public PrometheusException(String message, Throwable cause) {
    super(message, cause);
  }
}
