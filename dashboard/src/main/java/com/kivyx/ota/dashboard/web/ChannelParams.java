package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.format.ChannelId;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** The channel named by a request's path, or a 404 page naming what was wrong. */
final class ChannelParams {
  private ChannelParams() {}

  static Optional<ChannelId> of(RoutingContext ctx, Pages pages) {
    Optional<ChannelId> id = ChannelId.parse(ctx.pathParam("app"), ctx.pathParam("platform"), ctx.pathParam("channel"));
    if (id.isEmpty()) {
      pages.error(ctx, 404, "No such channel",
          "The path names no channel: the app and channel are letters, digits, '.', '_' or '-', and the platform is ios or android.");
    }
    return id;
  }
}
