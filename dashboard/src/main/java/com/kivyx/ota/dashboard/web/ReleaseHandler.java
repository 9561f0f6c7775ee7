package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.ReleaseDetail;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.verify.DocumentRejectedException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** {@code GET /apps/A/P/C/releases/R}: the verified manifest and its deltas. */
public final class ReleaseHandler implements Handler<RoutingContext> {
  private final StoreCatalog catalog;
  private final Pages pages;

  public ReleaseHandler(StoreCatalog catalog, Pages pages) {
    this.catalog = catalog;
    this.pages = pages;
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
    pages.send(ctx, 200, "release.jte", detail.get());
  }
}
