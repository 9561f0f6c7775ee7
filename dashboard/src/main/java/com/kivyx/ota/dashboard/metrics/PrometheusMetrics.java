package com.kivyx.ota.dashboard.metrics;

import com.kivyx.ota.prometheus.DeviceEventQuery;
import com.kivyx.ota.prometheus.PrometheusClient;
import com.kivyx.ota.prometheus.PrometheusException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The release page's numbers from Prometheus, with the guardrail's own queries
 * ({@link DeviceEventQuery}): the funnel from an instant query, and three charts from range
 * queries. When Prometheus cannot be reached, the first query says so and no other is tried
 * (one timeout, not four).
 */
public final class PrometheusMetrics implements MetricsSource {
  /** Points per chart: enough to see a step's effect, few enough for a table. */
  static final int POINTS = 60;

  private final PrometheusClient client;
  private final Clock clock;

  public PrometheusMetrics(PrometheusClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  @Override
  public ReleaseMetrics release(Request r) {
    String source = "Prometheus at " + client.base();
    DeviceEventQuery q = new DeviceEventQuery(r.channel(), r.releaseId());
    Instant end = clock.instant();
    Instant start = end.minus(r.range());
    Duration step = Duration.ofSeconds(Math.max(1, r.range().toSeconds() / POINTS));
    Funnel funnel;
    try {
      EventTotals.Builder b = new EventTotals.Builder();
      for (PrometheusClient.Sample s : client.query(q.eventTotals(), end)) {
        b.add(s.labels().getOrDefault("type", ""), s.labels().getOrDefault("reason", "none"), s.value());
      }
      funnel = Funnel.of(b.build());
    } catch (PrometheusException e) {
      String reason = oneLine(e);
      return new ReleaseMetrics(source, Optional.empty(), List.of(
          Chart.failed("adoption", ADOPTION, ADOPTION_TEXT, reason),
          Chart.failed("failure-rate", FAILURES, FAILURES_TEXT, reason),
          Chart.failed("events", EVENTS, EVENTS_TEXT, reason)), Optional.of(reason), Optional.empty());
    }
    List<Chart> charts = List.of(adoption(r, start, end, step), failureRate(r, q, start, end, step), events(r, q, start, end, step));
    return new ReleaseMetrics(source, Optional.of(funnel), charts, Optional.empty(),
        Optional.of("Totals are sums of every replica's counters: a replica that restarted counts again from zero."));
  }

  /** The manifest server's label for events naming a release it never served ({@code DeviceEvents.OTHER_RELEASE}). */
  static final String OTHER_RELEASE = "other";
  static final String ADOPTION = "Adoption by release";
  static final String ADOPTION_TEXT = "Devices that applied each release of this channel (applied events, all replicas).";
  static final String FAILURES = "Failed-trial rate against the baseline";
  static final String FAILURES_TEXT = "Rolled-back trials as a share of settled trials (healthy + rolled back) so far; each cell gives the counts.";
  static final String EVENTS = "Events per hour";
  static final String EVENTS_TEXT = "Device events per hour by type; the vertical lines are the Rollout's steps.";

  private Chart adoption(Request r, Instant start, Instant end, Duration step) {
    try {
      List<PrometheusClient.Series> series = client.queryRange(DeviceEventQuery.adoption(r.channel()), start, end, step);
      List<Long> times = grid(series);
      List<Chart.Line> lines = new ArrayList<>();
      for (PrometheusClient.Series s : sortedBy(series, "release")) {
        List<Double> values = align(times, s);
        String release = s.labels().getOrDefault("release", "?");
        // the server counts events of releases it never served under "other" (a bounded label set)
        lines.add(new Chart.Line(release.equals(OTHER_RELEASE) ? "other (not served)" : release, values,
            values.stream().map(PrometheusMetrics::count).toList()));
      }
      return new Chart("adoption", ADOPTION, ADOPTION_TEXT, "devices", start.getEpochSecond(), end.getEpochSecond(), times, lines, List.of(), Optional.empty(), Optional.empty());
    } catch (PrometheusException e) {
      return Chart.failed("adoption", ADOPTION, ADOPTION_TEXT, oneLine(e));
    }
  }

  private Chart failureRate(Request r, DeviceEventQuery q, Instant start, Instant end, Duration step) {
    try {
      List<PrometheusClient.Series> release = client.queryRange(q.settledTotals(), start, end, step);
      List<PrometheusClient.Series> baseline = r.baseline().isEmpty() ? List.of()
          : client.queryRange(new DeviceEventQuery(r.channel(), r.baseline().get()).settledTotals(), start, end, step);
      List<PrometheusClient.Series> all = new ArrayList<>(release);
      all.addAll(baseline);
      List<Long> times = grid(all);
      List<Chart.Line> lines = new ArrayList<>();
      lines.add(rateLine(r.releaseId(), times, release));
      r.baseline().ifPresent(b -> lines.add(rateLine("baseline " + b, times, baseline)));
      Optional<Chart.Limit> limit = r.limitRate().map(l -> new Chart.Limit(100 * l, "guardrail limit " + percent(l)));
      return new Chart("failure-rate", FAILURES, FAILURES_TEXT, "%", start.getEpochSecond(), end.getEpochSecond(), times, lines, List.of(), limit, Optional.empty());
    } catch (PrometheusException e) {
      return Chart.failed("failure-rate", FAILURES, FAILURES_TEXT, oneLine(e));
    }
  }

  private Chart events(Request r, DeviceEventQuery q, Instant start, Instant end, Duration step) {
    try {
      List<PrometheusClient.Series> series = client.queryRange(q.eventsPerHour(step.multipliedBy(4)), start, end, step);
      List<Long> times = grid(series);
      List<Chart.Line> lines = new ArrayList<>();
      for (PrometheusClient.Series s : sortedBy(series, "type")) {
        List<Double> values = align(times, s);
        lines.add(new Chart.Line(s.labels().getOrDefault("type", "?"), values,
            values.stream().map(v -> v == null ? "" : String.format(Locale.ROOT, "%,.0f/h", v)).toList()));
      }
      List<Chart.Marker> markers = r.steps().stream().filter(m -> m.time() >= start.getEpochSecond()).toList();
      return new Chart("events", EVENTS, EVENTS_TEXT, "events/h", start.getEpochSecond(), end.getEpochSecond(), times, lines, markers, Optional.empty(), Optional.empty());
    } catch (PrometheusException e) {
      return Chart.failed("events", EVENTS, EVENTS_TEXT, oneLine(e));
    }
  }

  /**
   * One line of failed-trial rates from {@code sum by (type)} series of healthy and rolledBack
   * totals: a point only where trials settled, and a cell with the counts behind it.
   */
  static Chart.Line rateLine(String label, List<Long> times, List<PrometheusClient.Series> byType) {
    List<Double> healthy = align(times, find(byType, "healthy"));
    List<Double> rolledBack = align(times, find(byType, "rolledBack"));
    List<Double> values = new ArrayList<>();
    List<String> cells = new ArrayList<>();
    for (int i = 0; i < times.size(); i++) {
      long h = healthy.get(i) == null ? 0 : Math.round(healthy.get(i));
      long f = rolledBack.get(i) == null ? 0 : Math.round(rolledBack.get(i));
      if (h + f == 0) {
        values.add(null);
        cells.add(healthy.get(i) == null && rolledBack.get(i) == null ? "" : "no settled trials");
      } else {
        values.add(100.0 * f / (h + f));
        cells.add(String.format(Locale.ROOT, "%s (%,d of %,d)", percent((double) f / (h + f)), f, h + f));
      }
    }
    return new Chart.Line(label, values, cells);
  }

  /** Every time any series has a point, in order: range queries share one step grid. */
  static List<Long> grid(List<PrometheusClient.Series> series) {
    TreeSet<Long> times = new TreeSet<>();
    series.forEach(s -> s.points().forEach(p -> times.add(p.at().getEpochSecond())));
    return List.copyOf(times);
  }

  static List<Double> align(List<Long> times, Optional<PrometheusClient.Series> series) {
    return align(times, series.orElse(null));
  }

  static List<Double> align(List<Long> times, PrometheusClient.Series series) {
    Map<Long, Double> at = new TreeMap<>();
    if (series != null) {
      series.points().forEach(p -> {
        if (!Double.isNaN(p.value())) {
          at.put(p.at().getEpochSecond(), p.value());
        }
      });
    }
    List<Double> out = new ArrayList<>();
    times.forEach(t -> out.add(at.get(t)));
    return out;
  }

  private static Optional<PrometheusClient.Series> find(List<PrometheusClient.Series> series, String type) {
    return series.stream().filter(s -> type.equals(s.labels().get("type"))).findFirst();
  }

  private static List<PrometheusClient.Series> sortedBy(List<PrometheusClient.Series> series, String label) {
    return series.stream().sorted(java.util.Comparator.comparing((PrometheusClient.Series s) -> s.labels().getOrDefault(label, ""))).toList();
  }

  private static String count(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%,d", Math.round(v));
  }

  static String percent(double rate) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * rate);
  }

  private static String oneLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

}
