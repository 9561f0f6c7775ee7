package com.kivyx.ota.publish;

import static com.kivyx.ota.testing.SampleDocuments.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Targeting;
import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.rollout.DecisionFunction;
import com.kivyx.ota.rollout.Device;
import com.kivyx.ota.testing.SampleDocuments;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelPrunerTest {
  @Test
  void keepsTheNewestFullReleaseAndEverythingNewerPerRuntime() {
    List<ChannelRelease> kept =
        ChannelPruner.prune(
            List.of(
                entry("a1", 1, "1.0.0", 10_000, false, null),
                entry("a2", 2, "1.0.0", 10_000, false, null),
                entry("a3", 3, "1.0.0", 2_500, false, null),
                entry("a4", 4, "1.0.0", 10_000, false, new Targeting(null, List.of("arm64"), null)),
                entry("b1", 1, "2.0.0", 500, false, null),
                entry("b2", 2, "2.0.0", 10_000, false, null),
                entry("c1", 7, "3.0.0", 100, false, null)));
    assertThat(kept).extracting(ChannelRelease::releaseId).containsExactly("a2", "a3", "a4", "b2", "c1");
  }

  @Test
  void keepsTheNewestSupersededMandatoryReleaseSoDevicesBelowItAreStillEscalated() {
    List<ChannelRelease> releases =
        List.of(
            entry("m1", 1, "1.0.0", 10_000, true, null),
            entry("m2", 2, "1.0.0", 10_000, true, null),
            entry("a3", 3, "1.0.0", 10_000, false, null),
            entry("a4", 4, "1.0.0", 10_000, false, null),
            entry("b1", 1, "2.0.0", 10_000, true, null),
            entry("b2", 2, "2.0.0", 10_000, false, null));
    List<ChannelRelease> kept = ChannelPruner.prune(releases);
    assertThat(kept).extracting(ChannelRelease::releaseId).containsExactly("m2", "a4", "b1", "b2");

    // the device on m1 (dropped) gets a4 as mandatory, as it would from the unpruned index
    ChannelIndex full = SampleDocuments.index(1, 0, releases, List.of());
    ChannelIndex pruned = SampleDocuments.index(2, 0, kept, List.of());
    Device onM1 = Device.of("device-1", "1.0.0").onRelease("m1");
    assertThat(DecisionFunction.decide(full, onM1)).isEqualTo(Decision.update("a4", true));
    assertThat(DecisionFunction.decide(pruned, onM1)).isEqualTo(Decision.update("a4", true));
    // the device on m2 (kept) is not escalated: nothing mandatory lies above it
    Device onM2 = Device.of("device-1", "1.0.0").onRelease("m2");
    assertThat(DecisionFunction.decide(pruned, onM2)).isEqualTo(Decision.update("a4", false));
  }
}
