package com.kivyx.ota.dashboard.explain;

import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.rollout.Device;
import java.util.List;

/** The decision function's answer for a device, and each release's verdict that leads to it. */
public record Explanation(Device device, Decision decision, List<ReleaseVerdict> verdicts) {
  public Explanation {
    verdicts = List.copyOf(verdicts);
  }

  /** One sentence for the page heading. */
  public String answer() {
    return switch (decision.kind()) {
      case UPDATE -> "Update to " + decision.releaseId().orElseThrow() + (decision.mandatory() ? " (mandatory)" : "");
      case NONE -> device.currentReleaseId().map(id -> "No update: the device already runs " + id + ", the newest release it may have")
          .orElse("No update: no release on this channel is for this device; it keeps its embedded bundle");
      case ROLL_BACK_TO_EMBEDDED -> "Roll back to the embedded bundle" + (decision.mandatory() ? " (mandatory: the current release is revoked)" : "")
          + ": no release on this channel is for this device any more";
    };
  }
}
