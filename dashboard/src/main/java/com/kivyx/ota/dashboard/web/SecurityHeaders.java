package com.kivyx.ota.dashboard.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * Headers on every response, and a same-origin rule for every POST: scripts only from this
 * origin (htmx is served here), no framing, and a POST whose Origin is another site is refused
 * (CSRF: a proxy in front may add the user's credentials to any request).
 */
public final class SecurityHeaders implements Handler<RoutingContext> {
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "same-origin") // no-referrer would make Chrome send "Origin: null" on our own forms
        .putHeader("Cache-Control", "no-store");
    if (ctx.request().method().name().equals("POST") && !sameOrigin(ctx)) {
      ctx.response().setStatusCode(403).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("refused: this POST came from another site (Origin " + ctx.request().getHeader("Origin") + "); use the dashboard's own buttons");
      return;
    }
    ctx.next();
  }

  private static boolean sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null) {
      return true; // not a browser form or fetch (curl, kubectl-like clients): no ambient credentials to ride on
    }
    var authority = ctx.request().authority(); // Host, or :authority over HTTP/2
    try {
      URI uri = URI.create(origin);
      return authority != null && uri.getHost() != null && uri.getHost().equalsIgnoreCase(authority.host())
          && (uri.getPort() == -1 ? 80 : uri.getPort()) == (authority.port() == -1 ? 80 : authority.port());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
