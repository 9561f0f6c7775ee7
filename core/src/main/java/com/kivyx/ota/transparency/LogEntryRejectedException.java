package com.kivyx.ota.transparency;

/** A transparency log entry that does not prove what it claims; {@link Reason} says which check failed. */
public final class LogEntryRejectedException extends Exception {
  public enum Reason {
    /** Not a TransparencyLogEntry as Rekor v2 writes it (missing fields, wrong types). */
    MALFORMED,
    /** The checkpoint is not signed by the pinned log key for the pinned origin. */
    CHECKPOINT_SIGNATURE,
    /** Top-level log index, proof index, proof tree size and checkpoint size disagree. */
    INDEX_MISMATCH,
    /** The inclusion proof does not lead from the entry to the checkpoint's root. */
    INCLUSION_PROOF,
    /** The entry logs another digest, another signature or another signer's key. */
    WRONG_ENTRY,
  }

  private final Reason reason;

  public LogEntryRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
