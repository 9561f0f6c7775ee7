package com.kivyx.ota.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Platform;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeviceEventQueryTest {
  private final ChannelId channel = new ChannelId("com.example", Platform.ANDROID, "production");
  private final DeviceEventQuery q = new DeviceEventQuery(channel, "r\"2");

  @Test
  void selectorEscapesQuotesSoALabelCannotEndTheMatcher() {
    assertThat(q.selector()).isEqualTo("{app=\"com.example\",platform=\"android\",channel=\"production\",release=\"r\\\"2\"}");
  }

  @Test
  void adoptionSumsAppliedEventsPerReleaseOfTheChannel() {
    assertThat(DeviceEventQuery.adoption(channel))
        .isEqualTo("sum by (release) (kivyx_ota_device_events_total{app=\"com.example\",platform=\"android\",channel=\"production\",type=\"applied\"})");
  }

  @Test
  void totalsAreRawCounterSumsOfThisRelease() {
    assertThat(q.eventTotals()).isEqualTo("sum by (type, reason) (kivyx_ota_device_events_total" + q.selector() + ")");
    assertThat(q.settledTotals()).isEqualTo("sum by (type) (" + q.settledTrialCounters() + ")");
    assertThat(q.settledTrialCounters()).endsWith(",type=~\"healthy|rolledBack\"}");
  }

  @Test
  void eventsPerHourNeverUsesAWindowShorterThanAMinute() {
    assertThat(q.eventsPerHour(Duration.ofSeconds(5))).isEqualTo("3600 * sum by (type) (rate(kivyx_ota_device_events_total" + q.selector() + "[60s]))");
    assertThat(q.eventsPerHour(Duration.ofMinutes(10))).contains("[600s]");
  }

  @Test
  void guardrailWindowsKeepTheirShape() {
    assertThat(q.settledTrials(Duration.ofSeconds(90), true))
        .isEqualTo("sum by (type, reason) (increase(" + q.settledTrialCounters() + "[90s anchored]))");
    assertThat(q.settledTrials(Duration.ZERO, false)).contains("[1s])");
  }
}
