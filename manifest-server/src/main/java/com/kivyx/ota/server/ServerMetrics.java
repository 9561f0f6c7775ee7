package com.kivyx.ota.server;

import com.kivyx.ota.verify.DocumentRejectedException;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.telemetry.EventType;
import com.kivyx.ota.telemetry.TrialReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The server's Prometheus metrics: requests per route and status with latency histograms,
 * device events per app, platform, channel, release, type and reason, and the channel source's
 * health. Label values come from fixed sets or from the served snapshot, never from what a
 * device sends, so the number of series stays bounded.
 *
 * <p>{@code kivyx_ota_device_events_total{app,platform,channel,release,type,reason}} is what the
 * crash guardrail queries. Its series exist at 0 for every release of every served channel
 * before any event comes: Prometheus' {@code increase()} cannot see the first increment of a
 * series it never saw at 0.
 */
public final class ServerMetrics implements SourceListener {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();
  private final Map<EventLabels, Counter> events = new ConcurrentHashMap<>();
  private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
  private final Counter sourceFailures;
  private final Counter rateLimited;
  private final AtomicInteger channels = new AtomicInteger();

  /** The metric the guardrail queries (Micrometer adds {@code _total}). */
  public static final String DEVICE_EVENTS = "kivyx_ota_device_events";

  record EventLabels(String app, String platform, String channel, String release, String type, String reason) {}

  public ServerMetrics() {
    sourceFailures = Counter.builder("kivyx_ota_source_failures").description("Scans of the channel source that failed").register(registry);
    rateLimited = Counter.builder("kivyx_ota_rate_limited_requests").description("Requests refused with 429").register(registry);
    Gauge.builder("kivyx_ota_channels", channels, AtomicInteger::get).description("Channels being served").register(registry);
  }

  void request(String route, int status, long nanos) {
    // By route, then status as an index: no key string is built per request.
    AtomicReferenceArray<Timer> byStatus = timers.get(route);
    if (byStatus == null) {
      byStatus = timers.computeIfAbsent(route, r -> new AtomicReferenceArray<>(600));
    }
    boolean cached = status >= 0 && status < byStatus.length();
    Timer timer = cached ? byStatus.get(status) : null;
    if (timer == null) {
      // Micrometer returns the registered meter for the same name and tags: a race registers once.
      timer =
          Timer.builder("kivyx_ota_http_requests")
              .description("HTTP requests by route and status")
              .tag("route", route)
              .tag("status", String.valueOf(status))
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofNanos(50_000))
              .maximumExpectedValue(Duration.ofSeconds(10))
              .register(registry);
      if (cached) {
        byStatus.set(status, timer);
      }
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Counts one device event. {@code releaseId} must be a release the channel serves (or
   * {@link DeviceEvents#OTHER_RELEASE}); callers map what a device sends onto these bounded sets.
   */
  public void deviceEvent(ChannelId channel, String releaseId, EventType type, TrialReason reason) {
    counter(new EventLabels(channel.appId(), channel.platform().id(), channel.channel(), releaseId, type.wire(), reason.wire())).increment();
  }

  private Counter counter(EventLabels labels) {
    Counter counter = events.get(labels);
    if (counter != null) {
      return counter;
    }
    return events.computeIfAbsent(
        labels,
        l -> Counter.builder(DEVICE_EVENTS)
            .description("Device events by app, platform, channel, release, type and reason")
            .tag("app", l.app())
            .tag("platform", l.platform())
            .tag("channel", l.channel())
            .tag("release", l.release())
            .tag("type", l.type())
            .tag("reason", l.reason())
            .register(registry));
  }

  /**
   * Creates at 0 the series a release's events will land in: every type without a reason,
   * and crashed and rolledBack with every reason.
   */
  private void zeroInitialise(ChannelId channel, String releaseId) {
    for (EventType type : EventType.values()) {
      counter(new EventLabels(channel.appId(), channel.platform().id(), channel.channel(), releaseId, type.wire(), TrialReason.NONE.wire()));
    }
    for (EventType type : new EventType[] {EventType.CRASHED, EventType.ROLLED_BACK}) {
      for (TrialReason reason : TrialReason.values()) {
        if (reason.explainsAFailure()) {
            counter(new EventLabels(channel.appId(), channel.platform().id(), channel.channel(), releaseId, type.wire(), reason.wire()));
        }
      }
    }
  }

  void eventDropped(String reason) {
    dropped
        .computeIfAbsent(
            reason,
            r -> Counter.builder("kivyx_ota_device_events_dropped").description("Valid device events not counted, by reason").tag("reason", r).register(registry))
        .increment();
  }

  /** A valid request not counted, by reason (a fixed set chosen by the server). */
  public void dropped(String reason) {
    eventDropped(reason);
  }

  public void rateLimited() {
    rateLimited.increment();
  }

  /** Prometheus text format 0.0.4. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void rejected(ChannelId key, DocumentRejectedException.Reason reason) {
    rejected
        .computeIfAbsent(
            reason.label(),
            r -> Counter.builder("kivyx_ota_index_rejected").description("Channel indexes refused, by reason").tag("reason", r).register(registry))
        .increment();
  }

  @Override
  public void failed() {
    sourceFailures.increment();
  }

  @Override
  public void swapped(Snapshot snapshot) {
    channels.set(snapshot.channels().size());
    snapshot.channels().forEach((id, channel) -> {
      channel.knownReleases().forEach(release -> zeroInitialise(id, release));
      zeroInitialise(id, DeviceEvents.OTHER_RELEASE);
    });
  }
}
