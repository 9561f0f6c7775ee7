package com.kivyx.ota.analysis;

/** What the guardrail concludes at one look. */
public enum Verdict {
  /** Enough settled trials and no evidence the release is above its limit: a gate may pass. */
  PASS,
  /** Strong evidence the release fails more than its limit: take it off the channel. */
  HALT,
  /** Not enough trials yet, or no (or stale) data: neither halt nor pass a gate. */
  INCONCLUSIVE
}
