package com.kivyx.ota.dashboard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.prometheus.PrometheusClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The chart arithmetic; the queries themselves run against a real Prometheus in ReleaseMetricsIT. */
class PrometheusMetricsTest {
  private static PrometheusClient.Series series(String type, long... timeAndValue) {
    List<PrometheusClient.Point> points = new java.util.ArrayList<>();
    for (int i = 0; i < timeAndValue.length; i += 2) {
      points.add(new PrometheusClient.Point(Instant.ofEpochSecond(timeAndValue[i]), timeAndValue[i + 1]));
    }
    return new PrometheusClient.Series(Map.of("type", type), points);
  }

  @Test
  void aRateCarriesItsCountsAndIsAGapWhereNoTrialSettled() {
    List<PrometheusClient.Series> byType = List.of(series("healthy", 10, 0, 20, 1, 30, 2998), series("rolledBack", 20, 2, 30, 2));
    List<Long> times = PrometheusMetrics.grid(byType);
    assertThat(times).containsExactly(10L, 20L, 30L);
    Chart.Line line = PrometheusMetrics.rateLine("r2", times, byType);
    assertThat(line.values()).containsExactly(null, 100.0 * 2 / 3, 100.0 * 2 / 3000);
    assertThat(line.cells()).containsExactly("no settled trials", "66.67% (2 of 3)", "0.07% (2 of 3,000)");
    assertThat(line.latest()).isEqualTo("0.07% (2 of 3,000)");
  }

  @Test
  void seriesAreAlignedOnOneGridWithNullsForMissingPoints() {
    List<PrometheusClient.Series> s = List.of(series("a", 1, 5, 3, 7), series("b", 2, 9));
    List<Long> times = PrometheusMetrics.grid(s);
    assertThat(PrometheusMetrics.align(times, s.get(0))).isEqualTo(Arrays.asList(5.0, null, 7.0));
    assertThat(PrometheusMetrics.align(times, s.get(1))).isEqualTo(Arrays.asList(null, 9.0, null));
  }

  @Test
  void prometheusDownStillGivesEveryChartItsOneLineReason() {
    // a port nothing listens on: the first query fails and the others are not tried
    PrometheusMetrics metrics = new PrometheusMetrics(new PrometheusClient(URI.create("http://127.0.0.1:9/"), Duration.ofSeconds(2)),
        Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC));
    ReleaseMetrics m = metrics.release(new MetricsSource.Request(new ChannelId("com.example", Platform.ANDROID, "production"), "r2",
        Optional.of("r1"), Optional.of(0.02), List.of(), Duration.ofHours(1)));
    assertThat(m.funnel()).isEmpty();
    assertThat(m.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("cannot reach Prometheus at http://127.0.0.1:9/").doesNotContain("\n"));
    assertThat(m.charts()).extracting(Chart::id).containsExactly("adoption", "failure-rate", "events");
    assertThat(m.charts()).allSatisfy(c -> assertThat(c.problem()).isEqualTo(m.problem()));
  }
}
