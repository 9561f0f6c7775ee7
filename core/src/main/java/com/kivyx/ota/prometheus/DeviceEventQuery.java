package com.kivyx.ota.prometheus;

import com.kivyx.ota.format.ChannelId;
import java.time.Duration;

/**
 * The PromQL over {@code kivyx_ota_device_events_total}, for the guardrail and the dashboard:
 * one release's settled trials (healthy and rolledBack, by reason) over a window, summed over
 * every replica, the time of its newest sample (is the data fresh?), and the dashboard's totals
 * and series. Totals are raw counter sums: exact while no replica restarted, which a restart
 * (its counters start again at 0) lowers until the chart's window has passed it.
 */
public record DeviceEventQuery(ChannelId channel, String releaseId) {
  public static final String METRIC = "kivyx_ota_device_events_total";

  /** The series selector, e.g. {@code {app="com.example",platform="android",channel="production",release="r1"}}. */
  public String selector() {
    return "{" + channelMatchers(channel) + ",release=\"" + escape(releaseId) + "\"}";
  }

  /** Applied events per release of the channel, summed over replicas: how many devices took each release. */
  public static String adoption(ChannelId channel) {
    return "sum by (release) (" + METRIC + "{" + channelMatchers(channel) + ",type=\"applied\"})";
  }

  /** Every event of the release so far by type and reason, summed over replicas (the funnel). */
  public String eventTotals() {
    return "sum by (type, reason) (" + METRIC + selector() + ")";
  }

  /** Settled trials so far by type (healthy, rolledBack), summed over replicas: a failure rate over time with its counts. */
  public String settledTotals() {
    return "sum by (type) (" + settledTrialCounters() + ")";
  }

  /** Events per hour by type, averaged over {@code window} (at least a minute: a rate needs two scrapes). */
  public String eventsPerHour(Duration window) {
    return "3600 * sum by (type) (rate(" + METRIC + selector() + "[" + Math.max(60, window.toSeconds()) + "s]))";
  }

  private static String channelMatchers(ChannelId channel) {
    return "app=\"" + escape(channel.appId()) + "\",platform=\"" + channel.platform().id() + "\",channel=\"" + escape(channel.channel()) + "\"";
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
