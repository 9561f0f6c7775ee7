package com.kivyx.ota.prometheus;

import com.kivyx.ota.format.ChannelId;
import java.time.Duration;

/**
 * The PromQL the guardrail runs over {@code kivyx_ota_device_events_total}: one release's
 * settled trials (healthy and rolledBack, by reason) over a window, summed over every replica,
 * and the time of its newest sample (is the data fresh?).
 */
public record DeviceEventQuery(ChannelId channel, String releaseId) {
  public static final String METRIC = "kivyx_ota_device_events_total";

  /** The series selector, e.g. {@code {app="com.example",platform="android",channel="production",release="r1"}}. */
  public String selector() {
    return "{app=\"" + escape(channel.appId()) + "\",platform=\"" + channel.platform().id() + "\",channel=\"" + escape(channel.channel())
        + "\",release=\"" + escape(releaseId) + "\"}";
  }

  /**
   * Settled trials over the last {@code window}: counter resets (replica restarts) are handled
   * by {@code increase}; with {@code anchored} the totals are exact, without they are
   * extrapolated to the window's edges and rounded.
   */
  public String settledTrials(Duration window, boolean anchored) {
    String inner = "increase(" + METRIC + selectorWith("type=~\"healthy|rolledBack\"") + "[" + Math.max(1, window.toSeconds()) + "s"
        + (anchored ? " anchored" : "") + "])";
    return "sum by (type, reason) (" + inner + ")";
  }

  /** Every replica's settled-trial counters as they stand (each series apart, for {@link CounterWindow}). */
  public String settledTrialCounters() {
    return METRIC + selectorWith("type=~\"healthy|rolledBack\"");
  }

  /** The counters that restarted from zero (a replica restarted) within the last {@code window}. */
  public String resets(Duration window) {
    return "resets(" + settledTrialCounters() + "[" + Math.max(1, window.toSeconds()) + "s]) > 0";
  }

  /** The newest sample's time, in seconds: empty when no replica is being scraped for this release. */
  public String newestSample() {
    return "max(timestamp(" + METRIC + selector() + "))";
  }

  private String selectorWith(String matcher) {
    String s = selector();
    return s.substring(0, s.length() - 1) + "," + matcher + "}";
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
