package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.ChannelState;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Platform;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET /}: every app's channels × platforms. */
public final class OverviewHandler implements Handler<RoutingContext> {
  private final StoreCatalog catalog;
  private final RolloutSource rollouts;
  private final Pages pages;

  public OverviewHandler(StoreCatalog catalog, RolloutSource rollouts, Pages pages) {
    this.catalog = catalog;
    this.rollouts = rollouts;
    this.pages = pages;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Map<String, Map<String, Map<Platform, ChannelState>>> byApp = new LinkedHashMap<>();
    for (ChannelId id : catalog.channels()) {
      byApp.computeIfAbsent(id.appId(), a -> new LinkedHashMap<>()).computeIfAbsent(id.channel(), c -> new LinkedHashMap<>())
          .put(id.platform(), catalog.channel(id));
    }
    List<OverviewPage.App> apps = new ArrayList<>();
    byApp.forEach((app, channels) -> {
      List<OverviewPage.Row> rows = new ArrayList<>();
      channels.forEach((name, cells) ->
          rows.add(new OverviewPage.Row(name, Optional.ofNullable(cells.get(Platform.IOS)), Optional.ofNullable(cells.get(Platform.ANDROID)))));
      apps.add(new OverviewPage.App(app, rows));
    });
    pages.send(ctx, 200, "overview.jte", new OverviewPage(catalog.describe(), apps, rollouts.rollouts(), rollouts.enabled()));
  }
}
