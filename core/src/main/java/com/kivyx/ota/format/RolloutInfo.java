package com.kivyx.ota.format;

import com.fasterxml.jackson.annotation.JsonInclude;

/** How far a release is rolled out on a channel: weight in basis points, and to whom. */
public record RolloutInfo(
    String id, int weight, boolean mandatory, @JsonInclude(JsonInclude.Include.NON_NULL) Targeting targeting) {
  public static final int FULL_WEIGHT = 10_000;

  public RolloutInfo {
    Check.text("rollout id", id, 128);
    if (weight < 0 || weight > FULL_WEIGHT) {
      throw new InvalidDocumentException(
          "rollout weight is in basis points and must be 0-10000, got " + weight);
    }
  }
}
