package com.kivyx.ota.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CounterWindowTest {
  private static final Instant END = Instant.parse("2026-12-01T12:00:00Z");

  private static PrometheusClient.Sample counter(String instance, String type, String reason, double value) {
    return new PrometheusClient.Sample(reason == null ? Map.of("instance", instance, "type", type)
        : Map.of("instance", instance, "type", type, "reason", reason), value, END);
  }

  @Test
  void subtractsEachSeriesOwnStartAndSumsReplicasByTypeAndReason() {
    List<PrometheusClient.Sample> start = List.of(counter("a:1", "healthy", null, 100), counter("a:1", "rolledBack", "jsError", 4));
    List<PrometheusClient.Sample> end = List.of(
        counter("a:1", "healthy", null, 130),
        counter("a:1", "rolledBack", "jsError", 6),
        counter("b:1", "healthy", null, 7), // created inside the window: counts from zero
        counter("b:1", "rolledBack", "jsError", 1),
        counter("b:1", "rolledBack", "crashedBeforeJs", 3));
    assertThat(CounterWindow.increase(start, end, END)).containsExactlyInAnyOrder(
        new PrometheusClient.Sample(Map.of("type", "healthy"), 37, END),
        new PrometheusClient.Sample(Map.of("type", "rolledBack", "reason", "jsError"), 3, END),
        new PrometheusClient.Sample(Map.of("type", "rolledBack", "reason", "crashedBeforeJs"), 3, END));
  }

  @Test
  void aSeriesThatWentDownWasResetAndIsRefused() {
    assertThatThrownBy(() -> CounterWindow.increase(List.of(counter("a:1", "healthy", null, 50)), List.of(counter("a:1", "healthy", null, 5)), END))
        .hasMessageContaining("was reset");
  }
}
