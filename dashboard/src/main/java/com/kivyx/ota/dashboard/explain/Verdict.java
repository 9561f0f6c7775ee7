package com.kivyx.ota.dashboard.explain;

/** Why one release is or is not a candidate for a device, in the order the decision function filters. */
public enum Verdict {
  WRONG_RUNTIME("runtime", "built for another runtime version"),
  BELOW_FLOOR("floor", "below the index's minVersionCode"),
  REVOKED("revoked", "revoked"),
  NOT_TARGETED("targeting", "the device does not meet its targeting"),
  OUTSIDE_WEIGHT("bucket ≥ weight", "the device's bucket is not below the rollout weight"),
  CANDIDATE("candidate", "a candidate: the newest candidate is offered");

  private final String label;
  private final String meaning;

  Verdict(String label, String meaning) {
    this.label = label;
    this.meaning = meaning;
  }

  public String label() {
    return label;
  }

  public String meaning() {
    return meaning;
  }
}
