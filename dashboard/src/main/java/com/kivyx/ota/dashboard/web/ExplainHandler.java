package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.ChannelState;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.explain.CurlCommand;
import com.kivyx.ota.dashboard.explain.DeviceExplainer;
import com.kivyx.ota.dashboard.explain.DeviceForm;
import com.kivyx.ota.dashboard.explain.Explanation;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.rollout.Device;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /apps/A/P/C/explain?deviceId=…}: a GET form, so an explanation is a link to share
 * and works without JavaScript. Runs the decision function on the channel's live signed index.
 */
public final class ExplainHandler implements Handler<RoutingContext> {
  private final StoreCatalog catalog;
  private final DeviceExplainer explainer;
  private final String deviceServerUrl;
  private final Pages pages;

  /** @param deviceServerUrl the device server's base URL, for the curl line */
  public ExplainHandler(StoreCatalog catalog, DeviceExplainer explainer, String deviceServerUrl, Pages pages) {
    this.catalog = catalog;
    this.explainer = explainer;
    this.deviceServerUrl = deviceServerUrl;
    this.pages = pages;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<ChannelId> id = ChannelParams.of(ctx, pages);
    if (id.isEmpty()) {
      return;
    }
    Map<String, List<String>> params = new HashMap<>();
    ctx.queryParams().names().forEach(name -> params.put(name, ctx.queryParams().getAll(name)));
    DeviceForm form = DeviceForm.of(params);
    ChannelState state = catalog.channel(id.get());
    if (!form.submitted()) {
      pages.send(ctx, 200, "explain.jte", new ExplainPage(state, form, Optional.empty(), Optional.empty(), Optional.empty()));
      return;
    }
    Device device;
    try {
      device = form.toDevice();
    } catch (IllegalArgumentException e) {
      pages.send(ctx, 400, "explain.jte", new ExplainPage(state, form, Optional.empty(), Optional.of(e.getMessage()), Optional.empty()));
      return;
    }
    Optional<Explanation> explanation = state.index().map(index -> explainer.explain(index, device));
    pages.send(ctx, 200, "explain.jte",
        new ExplainPage(state, form, explanation, Optional.empty(), Optional.of(CurlCommand.update(deviceServerUrl, id.get(), device))));
  }
}
