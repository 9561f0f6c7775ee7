package com.kivyx.ota.server.expo;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpoTelemetryTest {
  private static final ChannelId CHANNEL = new ChannelId("app", Platform.ANDROID, "production");
  private static final String R1 = "38a644da-64a1-3a52-9087-152a9b8a2979";
  private static final String R2 = "0f0f0f0f-0000-4000-8000-000000000001";
  private final List<String> events = new ArrayList<>();
  private final ExpoTelemetry telemetry = new ExpoTelemetry((channel, release, type) -> events.add(release + " " + type.wire()), 1024);
  private final Map<String, String> releases = Map.of(R1, "r1", R2, "r2");

  private void poll(String device, String current, String failed, String fatal) {
    telemetry.observe(new ExpoTelemetry.Report(CHANNEL, device, current, failed, fatal), releases::get, Set.of("r1", "r2"));
  }

  @Test
  void aRepeatedHeaderCountsOncePerDevice() {
    for (int i = 0; i < 5; i++) {
      poll("d1", R1, "\"" + R2 + "\"", "boom");
    }
    poll("d2", R1.toUpperCase(), null, null);
    assertThat(events).containsExactly("r1 healthy", "r2 rolledBack", "r2 crashed", "r1 healthy");
  }

  @Test
  void aNewValueFromTheSameDeviceCountsAgain() {
    poll("d1", R1, null, null);
    poll("d1", R2, null, "first");
    poll("d1", R2, null, "second");
    assertThat(events).containsExactly("r1 healthy", "r2 healthy", "r2 crashed", "r2 crashed");
  }

  @Test
  void unknownUpdatesAndGarbageAreBounded() {
    poll("d1", "not-a-uuid", "garbage, \"also garbage\"", null);
    poll("d1", "11111111-2222-3333-4444-555555555555", null, null);
    assertThat(events).containsExactly("other healthy");
    assertThat(ExpoTelemetry.failedIds("\"" + R1 + "\", \"" + R1 + "\", \"" + R2 + "\"")).containsExactly(R1, R2);
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      many.append(String.format("\"00000000-0000-4000-8000-%012d\", ", i));
    }
    assertThat(ExpoTelemetry.failedIds(many.toString())).hasSize(10);
  }

  @Test
  void theHandWrittenUuidCheckAgreesWithThePattern() {
    java.util.regex.Pattern uuid = java.util.regex.Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    java.util.Random random = new java.util.Random(36);
    String alphabet = "0123456789abcdefABCDEFgG-/:@`\u00e9";
    int accepted = 0;
    for (int i = 0; i < 200_000; i++) {
      char[] chars = R1.toCharArray();
      // a few edits of a real id: most stay near the shape, some keep it
      for (int e = random.nextInt(3); e > 0; e--) {
        chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
      }
      String candidate = switch (random.nextInt(10)) {
        case 0 -> new String(chars, 0, 35);
        case 1 -> new String(chars) + "0";
        default -> new String(chars);
      };
      boolean expected = uuid.matcher(candidate).matches();
      assertThat(ExpoTelemetry.isUuid(candidate)).as(candidate).isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    assertThat(accepted).isBetween(20_000, 180_000);
  }

  @Test
  void memoryIsAFixedTableWhateverDevicesSend() {
    ExpoTelemetry small = new ExpoTelemetry((c, r, t) -> {}, 16);
    int first = 0;
    for (int i = 0; i < 10_000; i++) {
      if (small.firstTime("device-" + i, "current", R1)) {
        first++;
      }
    }
    assertThat(first).isEqualTo(10_000); // every new device is new; old ones are forgotten, not stored
    assertThat(small.firstTime("device-9999", "current", R1)).isFalse();
  }
}
