package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.ReleaseDetail;
import com.kivyx.ota.dashboard.kube.RolloutEvent;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.dashboard.kube.RolloutView;
import com.kivyx.ota.dashboard.metrics.Chart;
import com.kivyx.ota.dashboard.metrics.MetricsSource;
import com.kivyx.ota.format.ChannelRelease;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the release page asks the metrics source for: the baseline, limit and step markers of the
 * Rollout that ships this release (when the dashboard reads Kubernetes), else the previous release
 * of the same runtime as the baseline; and the range the reader picked.
 */
final class ChartRequest {
  /** The ranges the page offers ({@code ?range=}), shortest first. */
  static final Map<String, Duration> RANGES = new java.util.LinkedHashMap<>();

  static {
    RANGES.put("15m", Duration.ofMinutes(15));
    RANGES.put("1h", Duration.ofHours(1));
    RANGES.put("6h", Duration.ofHours(6));
    RANGES.put("1d", Duration.ofDays(1));
    RANGES.put("7d", Duration.ofDays(7));
  }

  static final String DEFAULT_RANGE = "6h";
  private static final Pattern PERCENT = Pattern.compile("^\\s*([0-9]+(?:\\.[0-9]+)?)%");

  private ChartRequest() {}

  static String range(String asked) {
    return asked != null && RANGES.containsKey(asked) ? asked : DEFAULT_RANGE;
  }

  private static final Pattern RELEASE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  /** @param askedBaseline {@code ?baseline=}: the reader's choice wins over the Rollout's and the previous release */
  static MetricsSource.Request of(ReleaseDetail detail, RolloutSource rollouts, String range, String askedBaseline) {
    String releaseId = detail.entry().releaseId();
    Optional<RolloutView> rollout = rollouts.rollouts().stream()
        .filter(r -> r.release().equals(releaseId) && r.appId().map(detail.channel().id().appId()::equals).orElse(false)
            && r.channelName().map(detail.channel().id().channel()::equals).orElse(false))
        .reduce((a, b) -> b);
    Optional<String> baseline = Optional.ofNullable(askedBaseline).filter(b -> RELEASE_ID.matcher(b).matches() && !b.equals(releaseId))
        .or(() -> rollout.flatMap(RolloutView::analysis).map(a -> a.baseline()).map(b -> b.release()))
        .or(() -> previous(detail));
    Optional<Double> limit = rollout.flatMap(RolloutView::analysis).flatMap(a -> rate(a.limit()));
    List<Chart.Marker> steps = rollout.map(r -> rollouts.events(r.namespace(), r.name()).stream().flatMap(e -> marker(e).stream()).toList())
        .orElse(List.of());
    return new MetricsSource.Request(detail.channel().id(), releaseId, baseline, limit, steps, RANGES.get(range(range)));
  }

  /** The release before this one on the same runtime (highest version code below it). */
  static Optional<String> previous(ReleaseDetail detail) {
    ChannelRelease me = detail.entry();
    return detail.channel().releasesByRuntime().getOrDefault(me.runtimeVersion(), List.of()).stream()
        .filter(r -> r.versionCode() < me.versionCode())
        .max(Comparator.comparingLong(ChannelRelease::versionCode)).map(ChannelRelease::releaseId);
  }

  /** The limit as the operator writes it ("2.00%", maybe with how it was derived after it) as a fraction. */
  static Optional<Double> rate(String limit) {
    if (limit == null) {
      return Optional.empty();
    }
    Matcher m = PERCENT.matcher(limit);
    return m.find() ? Optional.of(Double.parseDouble(m.group(1)) / 100) : Optional.empty();
  }

  private static Optional<Chart.Marker> marker(RolloutEvent e) {
    try {
      String message = e.message() == null ? "" : e.message();
      int colon = message.indexOf(':');
      return Optional.of(new Chart.Marker(Instant.parse(e.time()).getEpochSecond(), e.reason() + (colon > 0 ? " " + message.substring(0, colon) : "")));
    } catch (RuntimeException ignored) {
      return Optional.empty(); // an event without a parsable time cannot be placed
    }
  }
}
