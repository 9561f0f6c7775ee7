package com.kivyx.ota.dashboard.metrics;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.prometheus.DeviceEventQuery;
import java.util.Map;
import java.util.TreeMap;

/**
 * One release's device events so far, by type and reason ({@code rolledBack → jsError → 3}),
 * summed over every manifest server replica.
 */
public record EventTotals(Map<String, Map<String, Long>> byTypeAndReason) {
  public EventTotals {
    Map<String, Map<String, Long>> copy = new TreeMap<>();
    byTypeAndReason.forEach((type, reasons) -> copy.put(type, Map.copyOf(reasons)));
    byTypeAndReason = Map.copyOf(copy);
  }

  public long count(String type) {
    return byTypeAndReason.getOrDefault(type, Map.of()).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Reasons with at least one event of {@code type}, sorted by name. */
  public Map<String, Long> byReason(String type) {
    Map<String, Long> out = new TreeMap<>();
    byTypeAndReason.getOrDefault(type, Map.of()).forEach((reason, n) -> {
      if (n > 0) {
        out.put(reason, n);
      }
    });
    return out;
  }

  /** Sums the counters of {@code releaseId} on {@code channel} out of every replica's {@code /metrics}. */
  public static EventTotals fromScrapes(Iterable<MetricsText.Sample> samples, ChannelId channel, String releaseId) {
    Builder b = new Builder();
    for (MetricsText.Sample s : samples) {
      Map<String, String> l = s.labels();
      if (s.name().equals(DeviceEventQuery.METRIC) && channel.appId().equals(l.get("app")) && channel.platform().id().equals(l.get("platform"))
          && channel.channel().equals(l.get("channel")) && releaseId.equals(l.get("release")) && l.containsKey("type")) {
        b.add(l.get("type"), l.getOrDefault("reason", "none"), s.value());
      }
    }
    return b.build();
  }

  /** Adds up counts by type and reason; counters are whole numbers, so values are rounded. */
  public static final class Builder {
    private final Map<String, Map<String, Long>> sums = new TreeMap<>();

    public Builder add(String type, String reason, double value) {
      if (!Double.isNaN(value)) {
        sums.computeIfAbsent(type, t -> new TreeMap<>()).merge(reason, Math.round(value), Long::sum);
      }
      return this;
    }

    public EventTotals build() {
      return new EventTotals(sums);
    }
  }
}
