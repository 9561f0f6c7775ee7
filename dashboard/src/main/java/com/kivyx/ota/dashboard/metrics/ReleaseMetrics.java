package com.kivyx.ota.dashboard.metrics;

import java.util.List;
import java.util.Optional;

/**
 * What the release page shows about devices: the funnel, the charts, and where the numbers came
 * from. {@code problem} is a one-line reason there are no numbers (the source is down).
 *
 * @param note e.g. "totals only": said on the page so nobody reads a missing chart as no data
 */
public record ReleaseMetrics(String source, Optional<Funnel> funnel, List<Chart> charts, Optional<String> problem, Optional<String> note) {
  public ReleaseMetrics {
    charts = List.copyOf(charts);
  }

  public boolean configured() {
    return !source.isEmpty();
  }

  public static ReleaseMetrics off() {
    return new ReleaseMetrics("", Optional.empty(), List.of(), Optional.empty(),
        Optional.of("No device numbers: start the dashboard with --prometheus-url (charts and totals) or --metrics-url (totals from each server's /metrics)."));
  }
}
