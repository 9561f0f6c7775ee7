package com.kivyx.ota.dashboard.metrics;

import com.kivyx.ota.format.ChannelId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where the release page's device numbers come from: Prometheus, the servers' own {@code /metrics}, or nowhere. */
public interface MetricsSource {
  /**
   * What to show for one release.
   *
   * @param baseline the release to compare the failed-trial rate with (the Rollout's, or the previous one)
   * @param limitRate the guardrail's failed-trial limit as a fraction, when a Rollout's analysis set one
   * @param steps the Rollout's events, as markers on the events chart
   * @param range how far back the charts go
   */
  record Request(ChannelId channel, String releaseId, Optional<String> baseline, Optional<Double> limitRate, List<Chart.Marker> steps, Duration range) {
    public Request {
      steps = List.copyOf(steps);
    }
  }

  ReleaseMetrics release(Request request);

  static MetricsSource none() {
    return request -> ReleaseMetrics.off();
  }
}
