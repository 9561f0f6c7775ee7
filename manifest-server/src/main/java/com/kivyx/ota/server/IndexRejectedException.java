package com.kivyx.ota.server;

/**
 * A channel index that will not be served: bad signature, expired, older than the one being
 * served, or naming manifests that do not check out. The previous snapshot stays.
 *
 * @see Reason
 */
public final class IndexRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Metric label values; {@code retryable} ones may pass on the next poll (a manifest not there yet). */
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

  public IndexRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
