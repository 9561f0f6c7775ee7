package com.kivyx.ota.prometheus;

import com.kivyx.ota.analysis.Observation;
import com.kivyx.ota.analysis.TrialCounts;
import com.kivyx.ota.format.ChannelId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A release's settled trials since a time, from Prometheus: the guardrail's data path for the
 * operator and for {@code kivyx-ota analyze}. Anything that is not a clear answer (an error, no
 * series, no samples in the window yet) is {@link Observation.Missing}, never zero.
 *
 * <p>The counts are exact: on Prometheus 3.16+ from {@code increase(...[w] anchored)}, on older
 * servers from every counter's value at the window's start and end ({@link CounterWindow}), since
 * their {@code increase()} extrapolates to the window's edges. Only when a replica restarted
 * inside the window does an older server fall back to that extrapolated {@code increase()}
 * (evaluated at the newest sample, which removes most of the extrapolation): the rate stays
 * unbiased, the trial count is then a few percent high.
 */
public final class PrometheusTrials {
  /**
   * @param failuresByReason rolled-back trials by the reason label
   * @param query the PromQL the counts came from (for messages)
   */
  public record Result(Observation observation, Map<String, Long> failuresByReason, String query) {}

  private final PrometheusClient client;

  public PrometheusTrials(PrometheusClient client) {
    this.client = client;
  }

  public Result since(ChannelId channel, String releaseId, Instant start, Instant now) {
    DeviceEventQuery q = new DeviceEventQuery(channel, releaseId);
    Duration window = Duration.between(start, now);
    String query = q.settledTrials(window, false);
    try {
      boolean anchored = client.supportsAnchored();
      query = q.settledTrials(window, anchored);
      List<PrometheusClient.Sample> newest = client.query(q.newestSample(), now);
      if (newest.isEmpty()) {
        return new Result(new Observation.Missing("no series of " + DeviceEventQuery.METRIC + q.selector()
            + " in Prometheus: is it scraping every manifest server, and do they serve this release?"), Map.of(), query);
      }
      Instant freshest = Instant.ofEpochMilli(Math.round(newest.get(0).value() * 1000));
      // Evaluated at the newest sample, not now: without anchored, increase() extrapolates from
      // the last sample to the evaluation time, which after a burst of events over-counts.
      Instant at = freshest.isAfter(now) || freshest.isBefore(start) ? now : freshest;
      query = q.settledTrials(Duration.between(start, at), anchored);
      List<PrometheusClient.Sample> samples;
      if (!anchored && client.query(q.resets(Duration.between(start, at)), at).isEmpty()) {
        query = q.settledTrialCounters() + " at " + at + " minus at " + start;
        samples = CounterWindow.increase(client.query(q.settledTrialCounters(), start), client.query(q.settledTrialCounters(), at), at);
      } else {
        samples = client.query(query, at);
      }
      if (samples.isEmpty()) {
        return new Result(new Observation.Missing("no samples in the last " + window.toSeconds() + "s yet (a window needs two scrapes)"), Map.of(), query);
      }
      long healthy = 0;
      long rolledBack = 0;
      Map<String, Long> byReason = new TreeMap<>();
      for (PrometheusClient.Sample s : samples) {
        if (Double.isNaN(s.value())) {
          continue;
        }
        long n = Math.round(s.value());
        if ("healthy".equals(s.labels().get("type"))) {
          healthy += n;
        } else if ("rolledBack".equals(s.labels().get("type"))) {
          rolledBack += n;
          if (n > 0) {
            byReason.merge(s.labels().getOrDefault("reason", "none"), n, Long::sum);
          }
        }
      }
      return new Result(new Observation.Counted(new TrialCounts(healthy, rolledBack), freshest), Map.copyOf(byReason), query);
    } catch (PrometheusException e) {
      return new Result(new Observation.Missing(e.getMessage()), Map.of(), query);
    }
  }
}
