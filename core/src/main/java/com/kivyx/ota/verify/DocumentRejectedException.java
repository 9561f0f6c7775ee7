package com.kivyx.ota.verify;

/**
 * A signed document that will not be used: a bad signature, the wrong channel, expired, older
 * than one already accepted, or a manifest that does not check out against its index entry.
 *
 * @see Reason
 */
public final class DocumentRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why, as data (the server's metric labels); {@code retryable} ones may pass on the next poll. */
  public enum Reason {
    SIGNATURE("signature", false),
    INVALID("invalid", false),
    WRONG_CHANNEL("wrong_channel", false),
    EXPIRED("expired", false),
    VERSION_REGRESSED("version_regressed", false),
    MANIFEST_MISSING("manifest_missing", true),
    MANIFEST_INVALID("manifest_invalid", false);

    private final String label;
    private final boolean retryable;

    Reason(String label, boolean retryable) {
      this.label = label;
      this.retryable = retryable;
    }

    public String label() {
      return label;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Reason reason;

  public DocumentRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
