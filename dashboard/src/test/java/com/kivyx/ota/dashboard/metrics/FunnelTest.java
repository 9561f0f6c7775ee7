package com.kivyx.ota.dashboard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Platform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunnelTest {
  private static final ChannelId CHANNEL = new ChannelId("com.example", Platform.ANDROID, "production");

  private static MetricsText.Sample event(String release, String type, String reason, double value) {
    return new MetricsText.Sample("kivyx_ota_device_events_total",
        Map.of("app", "com.example", "platform", "android", "channel", "production", "release", release, "type", type, "reason", reason), value);
  }

  @Test
  void sumsReplicasOfOneReleaseOnlyAndSplitsRollbacksByReason() {
    List<MetricsText.Sample> scrapes = List.of(
        event("r2", "downloaded", "none", 10), event("r2", "downloaded", "none", 7),  // two replicas
        event("r2", "applied", "none", 9), event("r2", "applied", "none", 6),
        event("r2", "healthy", "none", 8), event("r2", "healthy", "none", 4),
        event("r2", "rolledBack", "jsError", 1), event("r2", "rolledBack", "launchTimeout", 1), event("r2", "rolledBack", "jsError", 0),
        event("r2", "crashed", "jsError", 2),
        event("r1", "applied", "none", 1000),                                          // another release
        new MetricsText.Sample("kivyx_ota_device_events_total", Map.of("app", "com.other", "platform", "android", "channel", "production",
            "release", "r2", "type", "applied", "reason", "none"), 500),               // another app, same release id
        new MetricsText.Sample("kivyx_ota_http_requests_count", Map.of("release", "r2", "type", "applied"), 99));
    Funnel f = Funnel.of(EventTotals.fromScrapes(scrapes, CHANNEL, "r2"));
    assertThat(f).isEqualTo(new Funnel(17, 15, 12, 2, 2, Map.of("jsError", 1L, "launchTimeout", 1L)));
    assertThat(f.settled()).isEqualTo(14);
    assertThat(f.inTrial()).isEqualTo(1);
    assertThat(f.stages()).extracting(Funnel.Stage::key, Funnel.Stage::count, Funnel.Stage::share).containsExactly(
        org.assertj.core.groups.Tuple.tuple("downloaded", 17L, ""),
        org.assertj.core.groups.Tuple.tuple("applied", 15L, "88.2% of 17 downloaded"),
        org.assertj.core.groups.Tuple.tuple("inTrial", 1L, "6.7% of 15 applied"),
        org.assertj.core.groups.Tuple.tuple("healthy", 12L, "85.7% of 14 settled trials"),
        org.assertj.core.groups.Tuple.tuple("rolledBack", 2L, "14.3% of 14 settled trials"),
        org.assertj.core.groups.Tuple.tuple("rolledBack:jsError", 1L, "50.0% of 2 rollbacks"),
        org.assertj.core.groups.Tuple.tuple("rolledBack:launchTimeout", 1L, "50.0% of 2 rollbacks"));
  }

  @Test
  void sharesNeverDivideByZeroAndSaySoWhenDownloadsAreNotReported() {
    Funnel none = Funnel.of(new EventTotals(Map.of()));
    assertThat(none.empty()).isTrue();
    assertThat(none.stages()).allSatisfy(s -> assertThat(s.share()).isEmpty());
    Funnel noDownloads = new Funnel(0, 3, 1, 2, 2, Map.of("jsError", 2L));
    assertThat(noDownloads.stages().get(1).share()).isEqualTo("some clients do not report downloads");
    assertThat(noDownloads.stages().get(4).share()).as("2 of 3, never a bare 66.7%").isEqualTo("66.7% of 3 settled trials");
    assertThat(new Funnel(0, 1, 3, 0, 0, Map.of()).inTrial()).as("out-of-order events").isZero();
  }
}
