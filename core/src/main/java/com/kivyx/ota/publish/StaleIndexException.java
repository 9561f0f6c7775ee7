package com.kivyx.ota.publish;

/**
 * The index changed after the person deciding on a change last saw it: the change was built
 * against version {@code expected}, the store now holds {@code found}. Nothing was written.
 */
public final class StaleIndexException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long expected;
  private final long found;

  public StaleIndexException(long expected, long found) {
    super("the channel index is at version " + found + ", not the version " + expected + " this change was made against: "
        + "someone else changed the channel meanwhile; reload, check what changed, and try again");
    this.expected = expected;
    this.found = found;
  }

  public long expected() {
    return expected;
  }

  public long found() {
    return found;
  }
}
