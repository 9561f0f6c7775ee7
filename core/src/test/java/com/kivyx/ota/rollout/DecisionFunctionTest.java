package com.kivyx.ota.rollout;

import static com.kivyx.ota.testing.SampleDocuments.entry;
import static com.kivyx.ota.testing.SampleDocuments.index;
import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.format.ChannelIndex;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decision function's properties; the golden vectors cover the individual cases. */
class DecisionFunctionTest {
  @Test
  void bucketsMatchAnIndependentComputation() {
    // Values computed with Python's hashlib for the same inputs.
    assertThat(Buckets.bucket("rollout-1", "device-1")).isEqualTo(7250);
    assertThat(Buckets.bucket("r-abc", "d-xyz")).isEqualTo(6591);
    assertThat(Buckets.bucket("7f0c2c5e-1b1e-4e55-9f8e-0d8c6c2f3a11", "ios-device-0001")).isEqualTo(8029);
    assertThat(Buckets.bucket("", "")).isEqualTo(1014);
    assertThat(Buckets.bucket("röllout", "dévice")).isEqualTo(3958);
  }

  @Test
  void raisingTheWeightOnlyAddsDevices() {
    int previouslyIn = 0;
    for (int weight = 0; weight <= 10_000; weight += 500) {
      ChannelIndex idx = index(1, 0, List.of(entry("rel-1", 1, "1.0.0", weight, false, null)), List.of());
      int in = 0;
      for (int d = 0; d < 2_000; d++) {
        boolean gets = DecisionFunction.decide(idx, Device.of("device-" + d, "1.0.0")).kind() == Decision.Kind.UPDATE;
        if (gets) {
          in++;
        }
        // A device inside at a lower weight is inside at every higher weight.
        if (Buckets.bucket("ro-rel-1", "device-" + d) < weight - 500) {
          assertThat(gets).isTrue();
        }
      }
      assertThat(in).isGreaterThanOrEqualTo(previouslyIn);
      previouslyIn = in;
    }
    assertThat(previouslyIn).isEqualTo(2_000);
  }

  @Test
  void weightIsRoughlyTheShareOfDevices() {
    ChannelIndex idx = index(1, 0, List.of(entry("rel-1", 1, "1.0.0", 2_500, false, null)), List.of());
    long in =
        java.util.stream.IntStream.range(0, 20_000)
            .filter(d -> DecisionFunction.decide(idx, Device.of("dev-" + d, "1.0.0")).kind() == Decision.Kind.UPDATE)
            .count();
    assertThat(in).isBetween(4_700L, 5_300L);
  }
}
