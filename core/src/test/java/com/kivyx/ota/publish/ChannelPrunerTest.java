package com.kivyx.ota.publish;

import static com.kivyx.ota.testing.SampleDocuments.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Targeting;
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
}
