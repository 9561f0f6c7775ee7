package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.format.ChannelId;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code GET /apps/A/P/C}: the decoded signed index. {@code POST …/verify} renders the same page
 * with the checks of {@code kivyx-ota verify} (htmx swaps in only the result; without JavaScript
 * the whole page comes back).
 */
public final class ChannelHandler implements Handler<RoutingContext> {
  private final StoreCatalog catalog;
  private final Pages pages;
  private final boolean verify;

  private ChannelHandler(StoreCatalog catalog, Pages pages, boolean verify) {
    this.catalog = catalog;
    this.pages = pages;
    this.verify = verify;
  }

  public static ChannelHandler show(StoreCatalog catalog, Pages pages) {
    return new ChannelHandler(catalog, pages, false);
  }

  public static ChannelHandler verify(StoreCatalog catalog, Pages pages) {
    return new ChannelHandler(catalog, pages, true);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<ChannelId> id = ChannelParams.of(ctx, pages);
    if (id.isEmpty()) {
      return;
    }
    pages.send(ctx, 200, "channel.jte", new ChannelPage(catalog.channel(id.get()), verify ? Optional.of(catalog.verify(id.get())) : Optional.empty()));
  }
}
