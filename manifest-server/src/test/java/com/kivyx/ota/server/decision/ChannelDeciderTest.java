package com.kivyx.ota.server.decision;

import static com.kivyx.ota.testing.SampleDocuments.entry;
import static com.kivyx.ota.testing.SampleDocuments.index;
import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.format.AttributeRule;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Targeting;
import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.rollout.DecisionFunction;
import com.kivyx.ota.rollout.Device;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The prepared decider against core's decision function, on generated channels and fleets. */
class ChannelDeciderTest {
  private static final List<String> RUNTIMES = List.of("1.0.0", "2.0.0", "3.0.0");
  private static final int[] WEIGHTS = {0, 1, 2_500, 5_000, 9_999, 10_000};

  @Test
  void decidesAsTheDecisionFunctionForEveryDeviceOfGeneratedChannels() {
    Random random = new Random(15);
    Map<Decision.Kind, Integer> kinds = new EnumMap<>(Decision.Kind.class);
    int mandatory = 0;
    for (int c = 0; c < 300; c++) {
      ChannelIndex index = randomIndex(random, c);
      ChannelDecider decider = ChannelDecider.of(index);
      List<String> ids = new ArrayList<>(index.releases().stream().map(ChannelRelease::releaseId).toList());
      ids.add("rel-unknown");
      for (int d = 0; d < 200; d++) {
        Device device = randomDevice(random, c * 1000 + d, ids);
        Decision expected = DecisionFunction.decide(index, device);
        assertThat(decider.decide(device)).as("channel %d device %s on %s", c, device.deviceId(), device.currentReleaseId()).isEqualTo(expected);
        kinds.merge(expected.kind(), 1, Integer::sum);
        mandatory += expected.mandatory() ? 1 : 0;
      }
    }
    // the generated cases reach every outcome, so the comparison covers each branch
    assertThat(kinds).containsOnlyKeys(Decision.Kind.values());
    assertThat(kinds.values()).allMatch(n -> n > 1_000);
    assertThat(mandatory).isGreaterThan(1_000);
  }

  private static ChannelIndex randomIndex(Random random, int c) {
    int n = random.nextInt(8);
    List<ChannelRelease> releases = new ArrayList<>();
    java.util.Set<String> taken = new java.util.HashSet<>();
    for (int i = 0; i < n; i++) {
      // an index lists a version code once per runtime version; across runtimes codes repeat
      String runtime = RUNTIMES.get(random.nextInt(2));
      long code;
      do {
        code = 1 + random.nextInt(10);
      } while (!taken.add(runtime + "/" + code));
      Targeting targeting = random.nextInt(4) == 0
          ? new Targeting(null, random.nextBoolean() ? List.of("arm64-v8a") : null, List.of(new AttributeRule("country", "in", List.of("DE", "FR"), null)))
          : null;
      releases.add(entry("rel-" + c + "-" + i, code, runtime, WEIGHTS[random.nextInt(WEIGHTS.length)], random.nextInt(3) == 0, targeting));
    }
    List<String> revoked = new ArrayList<>();
    for (ChannelRelease r : releases) {
      if (random.nextInt(5) == 0) {
        revoked.add(r.releaseId());
      }
    }
    return index(1, random.nextInt(4), releases, revoked);
  }

  private static Device randomDevice(Random random, int n, List<String> releaseIds) {
    Optional<String> current = random.nextInt(4) == 0 ? Optional.empty() : Optional.of(releaseIds.get(random.nextInt(releaseIds.size())));
    Map<String, String> attributes = random.nextBoolean() ? Map.of("country", random.nextBoolean() ? "DE" : "US") : Map.of();
    return new Device(
        "device-" + n + "-" + Long.toHexString(random.nextLong()), RUNTIMES.get(random.nextInt(3)), current, Optional.empty(),
        random.nextBoolean() ? Optional.of("arm64-v8a") : Optional.empty(), attributes);
  }
}
