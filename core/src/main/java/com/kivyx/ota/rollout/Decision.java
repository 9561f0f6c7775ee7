package com.kivyx.ota.rollout;

import java.util.Optional;

/** What a device should run next, by the decision function in DESIGN.md. */
public record Decision(Kind kind, Optional<String> releaseId, boolean mandatory) {
  /** The wire names are shared with the TypeScript client and the server's JSON answer. */
  public enum Kind {
    UPDATE("update"),
    NONE("none"),
    ROLL_BACK_TO_EMBEDDED("rollBackToEmbedded");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  public static Decision update(String releaseId, boolean mandatory) {
    return new Decision(Kind.UPDATE, Optional.of(releaseId), mandatory);
  }

  public static Decision none() {
    return new Decision(Kind.NONE, Optional.empty(), false);
  }

  public static Decision rollBackToEmbedded(boolean mandatory) {
    return new Decision(Kind.ROLL_BACK_TO_EMBEDDED, Optional.empty(), mandatory);
  }
}
