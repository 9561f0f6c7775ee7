package com.kivyx.ota.prometheus;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact counts over a window from two instant readings of every counter series, for Prometheus
 * versions without {@code anchored}: their {@code increase()} extrapolates to the window's edges,
 * which on a short window over-counts by a scrape interval's share (tens of percent on a window of
 * seconds). A series with no reading at the start was created inside the window (a manifest
 * server creates it at its first event), so it counts from zero. Valid only when no series reset
 * inside the window; the caller checks {@code resets()} first.
 */
final class CounterWindow {
  private CounterWindow() {}

  /**
   * @param atStart every series' value at the window's start (an instant query at that time)
   * @param atEnd every series' value at its end
   * @return what {@code sum by (type, reason) (increase(...))} would give without extrapolation
   */
  static List<PrometheusClient.Sample> increase(List<PrometheusClient.Sample> atStart, List<PrometheusClient.Sample> atEnd, Instant end) {
    Map<Map<String, String>, Double> before = new HashMap<>();
    atStart.forEach(s -> before.put(s.labels(), s.value()));
    Map<Map<String, String>, Double> sums = new LinkedHashMap<>();
    for (PrometheusClient.Sample s : atEnd) {
      double grew = s.value() - before.getOrDefault(s.labels(), 0.0);
      if (grew < 0) {
        throw new IllegalArgumentException("counter " + s.labels() + " went down from " + before.get(s.labels()) + " to " + s.value() + ": it was reset");
      }
      Map<String, String> group = new HashMap<>();
      group.put("type", s.labels().getOrDefault("type", ""));
      if (s.labels().containsKey("reason")) {
        group.put("reason", s.labels().get("reason"));
      }
      sums.merge(Map.copyOf(group), grew, Double::sum);
    }
    return sums.entrySet().stream().map(e -> new PrometheusClient.Sample(e.getKey(), e.getValue(), end)).toList();
  }
}
