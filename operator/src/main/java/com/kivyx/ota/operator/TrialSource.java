package com.kivyx.ota.operator;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.prometheus.PrometheusTrials;
import java.time.Instant;

/** Where the guardrail gets a release's settled trials: Prometheus in production. */
@FunctionalInterface
interface TrialSource {
  PrometheusTrials.Result since(ChannelId channel, String releaseId, Instant start, Instant now);
}
