package com.kivyx.ota.signing;

/** A signed document that the profile refuses, with the reason as data. */
public final class CoseRejectedException extends Exception {
  private static final long serialVersionUID = 1L;
  private final RejectReason reason;

  public CoseRejectedException(RejectReason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
