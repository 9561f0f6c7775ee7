package com.kivyx.ota.keys;

/** A key set that will not be trusted, with the reason as data (metrics, tests, the CLI's exit message). */
public final class KeySetRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a key set, or the key set chain, was refused. */
  public enum Reason {
    /** Not signed by a root the last trusted key set (or the pinned roots) names. */
    NOT_ROOT_SIGNED,
    /** Not a valid COSE_Sign1 in the profile, or the signature does not verify. */
    SIGNATURE,
    /** Signed, but the JSON breaks the key set format. */
    INVALID,
    /** For another app. */
    WRONG_APP,
    /** Older than the key set already trusted, or the same version with other content. */
    ROLLED_BACK,
    /** Past its expiresAt: a frozen key set would hide a revocation for ever. */
    EXPIRED,
    /** No key set in the store, or a version the chain needs is missing. */
    MISSING,
    /** None of its signing keys is inside its window now. */
    NO_VALID_KEY
  }

  private final Reason reason;

  public KeySetRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
