package com.kivyx.ota.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrialReasonTest {
  @Test
  void knownReasonsMapToThemselvesAndEverythingElseToOther() {
    assertThat(TrialReason.fromWire("crashedBeforeJs")).isEqualTo(TrialReason.CRASHED_BEFORE_JS);
    assertThat(TrialReason.fromWire("notMarkedHealthy")).isEqualTo(TrialReason.NOT_MARKED_HEALTHY);
    assertThat(TrialReason.fromWire(null)).isEqualTo(TrialReason.NONE);
    assertThat(TrialReason.fromWire("")).isEqualTo(TrialReason.NONE);
    // "none" is what the server writes, not something a device may claim
    assertThat(TrialReason.fromWire("none")).isEqualTo(TrialReason.OTHER);
    assertThat(TrialReason.fromWire("CrashedBeforeJs")).isEqualTo(TrialReason.OTHER);
    assertThat(TrialReason.fromWire("x".repeat(200))).isEqualTo(TrialReason.OTHER);
  }

  @Test
  void eventTypesRoundTrip() {
    for (EventType t : EventType.values()) {
      assertThat(EventType.fromWire(t.wire())).contains(t);
    }
    assertThat(EventType.fromWire("rolledback")).isEmpty();
  }
}
