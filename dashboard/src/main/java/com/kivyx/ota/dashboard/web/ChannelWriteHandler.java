package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.dashboard.writes.ChannelWrite;
import com.kivyx.ota.dashboard.writes.ChannelWrites;
import com.kivyx.ota.dashboard.writes.WeightInput;
import com.kivyx.ota.dashboard.writes.WriteResult;
import com.kivyx.ota.format.ChannelId;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code POST /apps/A/P/C/weight|revoke|resign}: the static-mode writes of the channel page. The
 * answer is the channel page with the outcome (htmx swaps in the index section; without
 * JavaScript the whole page comes back); a refusal keeps its status (403, 405, 409, 422).
 */
public final class ChannelWriteHandler {
  private final StoreCatalog catalog;
  private final RolloutSource kube;
  private final Optional<ChannelWrites> writes;
  private final Optional<CsrfToken> csrf;
  private final Pages pages;

  public ChannelWriteHandler(StoreCatalog catalog, RolloutSource kube, Optional<ChannelWrites> writes, Optional<CsrfToken> csrf, Pages pages) {
    this.catalog = catalog;
    this.kube = kube;
    this.writes = writes;
    this.csrf = csrf;
    this.pages = pages;
  }

  public void handle(RoutingContext ctx) {
    Optional<ChannelId> id = ChannelParams.of(ctx, pages);
    if (id.isEmpty()) {
      return;
    }
    if (writes.isEmpty() || csrf.isEmpty()) {
      ctx.response().putHeader("Allow", "GET");
      pages.error(ctx, 405, "Read-only dashboard", "This dashboard was started without --signing-key, so it cannot sign a new index. "
          + "Use 'kivyx-ota rollout', or restart the dashboard with --signing-key. Nothing was changed.");
      return;
    }
    if (!csrf.get().matches(ctx.request().getFormAttribute(CsrfToken.FIELD))) {
      pages.error(ctx, 403, "Refused", "This write did not come from a form of this dashboard (its CSRF token is missing or wrong). "
          + "Reload the channel page and use its buttons. Nothing was changed.");
      return;
    }
    WriteResult result;
    try {
      long seen = version(ctx.request().getFormAttribute("version"));
      result = writes.get().apply(id.get(), write(ctx), seen);
    } catch (IllegalArgumentException e) {
      result = WriteResult.refused(400, e.getMessage() + ". Nothing was changed.");
    }
    pages.send(ctx, result.status(), "channel.jte", new ChannelPage(catalog.channel(id.get()), Optional.empty(), kube.channels(id.get()),
        Optional.of(new ChannelPage.WriteForms(csrf.get().value(), writes.get().kid())), Optional.of(result)));
  }

  private static ChannelWrite write(RoutingContext ctx) {
    String what = ctx.request().path().substring(ctx.request().path().lastIndexOf('/') + 1);
    return switch (what) {
      case "weight" -> new ChannelWrite.SetWeight(release(ctx), WeightInput.basisPoints(ctx.request().getFormAttribute("weight")));
      case "revoke" -> new ChannelWrite.Revoke(release(ctx));
      case "resign" -> new ChannelWrite.Resign();
      default -> throw new IllegalArgumentException("no write '" + what + "': a channel has weight, revoke and resign");
    };
  }

  private static String release(RoutingContext ctx) {
    String release = ctx.request().getFormAttribute("release");
    if (release == null || release.isBlank()) {
      throw new IllegalArgumentException("the form names no release");
    }
    return release;
  }

  private static long version(String value) {
    try {
      return Long.parseLong(value == null ? "" : value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the form names no index version (the version the page showed), got '" + value + "'");
    }
  }
}
