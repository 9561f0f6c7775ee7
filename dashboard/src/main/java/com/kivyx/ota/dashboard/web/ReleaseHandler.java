package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.ReleaseDetail;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.verify.DocumentRejectedException;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.dashboard.metrics.MetricsSource;
import com.kivyx.ota.dashboard.metrics.ReleaseMetrics;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;

/** {@code GET /apps/A/P/C/releases/R}: the verified manifest, its deltas, and its devices' numbers (funnel, charts). */
public final class ReleaseHandler implements Handler<RoutingContext> {
  private final StoreCatalog catalog;
  private final Pages pages;
  private final MetricsSource metrics;
  private final RolloutSource rollouts;

  /** @param rollouts where the charts' baseline, limit line and step markers come from */
  public ReleaseHandler(StoreCatalog catalog, Pages pages, MetricsSource metrics, RolloutSource rollouts) {
    this.catalog = catalog;
    this.pages = pages;
    this.metrics = metrics;
    this.rollouts = rollouts;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<ChannelId> id = ChannelParams.of(ctx, pages);
    if (id.isEmpty()) {
      return;
    }
    String releaseId = ctx.pathParam("release");
    Optional<ReleaseDetail> detail;
    try {
      detail = catalog.release(id.get(), releaseId);
    } catch (DocumentRejectedException e) {
      pages.error(ctx, 502, "A device would refuse this release", e.getMessage());
      return;
    }
    if (detail.isEmpty()) {
      pages.error(ctx, 404, "No such release on " + id.get(),
          "The signed index of " + id.get() + " has no release '" + releaseId + "'. The channel page lists the releases it offers.");
      return;
    }
    String range = ChartRequest.range(ctx.request().getParam("range"));
    MetricsSource.Request request = ChartRequest.of(detail.get(), rollouts, range, ctx.request().getParam("baseline"));
    ReleaseMetrics numbers = metrics.release(request);
    pages.send(ctx, 200, "release.jte", Map.of("page", detail.get(), "metrics", numbers, "range", range, "baseline", request.baseline().orElse("")));
  }
}
