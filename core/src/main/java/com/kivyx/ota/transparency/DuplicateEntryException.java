package com.kivyx.ota.transparency;

import java.util.OptionalLong;

/**
 * The log already holds an equal entry (HTTP 409) and sends no proof for it. Rekor v2 keeps
 * no read API for entries, so the proof exists only in the answer to the first upload: that
 * is why the publisher stores the answer before anything else.
 */
public final class DuplicateEntryException extends TransparencyLogException {
  private final OptionalLong logIndex;

  public DuplicateEntryException(OptionalLong logIndex, String message) {
    super(message);
    this.logIndex = logIndex;
  }

  public OptionalLong logIndex() {
    return logIndex;
  }
}
