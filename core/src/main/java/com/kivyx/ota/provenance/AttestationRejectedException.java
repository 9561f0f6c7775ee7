package com.kivyx.ota.provenance;

/** An attestation the publisher will not accept; {@link Reason} says which rule it broke. */
public final class AttestationRejectedException extends Exception {
  public enum Reason {
    MALFORMED,
    /** Signed by no trusted builder key (or the signature does not verify). */
    UNKNOWN_BUILDER,
    /** Not an in-toto Statement v1 with a SLSA Provenance v1 predicate. */
    WRONG_TYPE,
    /** A file of the release is not among the attested subjects with the same SHA-256. */
    SUBJECT_MISMATCH,
    /** Policy requires an attestation and there is none. */
    MISSING,
  }

  private final Reason reason;

  public AttestationRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
