package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.RolloutSource;
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
  private final RolloutSource kube;
  private final Pages pages;
  private final boolean verify;
  /** Static mode with a signing key: the write forms. */
  private final Optional<ChannelPage.WriteForms> writes;

  private ChannelHandler(StoreCatalog catalog, RolloutSource kube, Pages pages, boolean verify, Optional<ChannelPage.WriteForms> writes) {
    this.catalog = catalog;
    this.kube = kube;
    this.pages = pages;
    this.verify = verify;
    this.writes = writes;
  }

  public static ChannelHandler show(StoreCatalog catalog, RolloutSource kube, Pages pages, Optional<ChannelPage.WriteForms> writes) {
    return new ChannelHandler(catalog, kube, pages, false, writes);
  }

  public static ChannelHandler verify(StoreCatalog catalog, RolloutSource kube, Pages pages, Optional<ChannelPage.WriteForms> writes) {
    return new ChannelHandler(catalog, kube, pages, true, writes);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<ChannelId> id = ChannelParams.of(ctx, pages);
    if (id.isEmpty()) {
      return;
    }
    pages.send(ctx, 200, "channel.jte",
        new ChannelPage(catalog.channel(id.get()), verify ? Optional.of(catalog.verify(id.get())) : Optional.empty(), kube.channels(id.get()),
            writes, Optional.empty()));
  }
}
