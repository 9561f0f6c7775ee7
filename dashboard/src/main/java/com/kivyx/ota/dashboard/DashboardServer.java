package com.kivyx.ota.dashboard;

import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.explain.DeviceExplainer;
import com.kivyx.ota.dashboard.kube.RolloutActions;
import com.kivyx.ota.dashboard.metrics.MetricsSource;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.dashboard.web.ChannelHandler;
import com.kivyx.ota.dashboard.web.ChannelPage;
import com.kivyx.ota.dashboard.web.ChannelWriteHandler;
import com.kivyx.ota.dashboard.writes.ChannelWrites;
import com.kivyx.ota.dashboard.web.CsrfToken;
import com.kivyx.ota.dashboard.web.ExplainHandler;
import com.kivyx.ota.dashboard.web.OverviewHandler;
import com.kivyx.ota.dashboard.web.Pages;
import com.kivyx.ota.dashboard.web.ReleaseHandler;
import com.kivyx.ota.dashboard.web.RolloutHandler;
import com.kivyx.ota.dashboard.web.SecurityHeaders;
import com.kivyx.ota.store.StoreException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's HTTP server: its own process and port, never the device-facing server. Pages
 * are rendered on worker threads (store and Kubernetes reads block).
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);

  private final Vertx vertx;
  private final HttpServer server;

  private DashboardServer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** @param actions Kubernetes writes, when the dashboard runs on Kubernetes */
  public static DashboardServer start(DashboardSettings settings, StoreCatalog catalog, RolloutSource rollouts, Optional<RolloutActions> actions) {
    return start(settings, catalog, rollouts, actions, MetricsSource.none(), Optional.empty());
  }

  /** @param metrics the release page's device numbers (Prometheus, the servers' /metrics, or none) */
  public static DashboardServer start(DashboardSettings settings, StoreCatalog catalog, RolloutSource rollouts, Optional<RolloutActions> actions,
      MetricsSource metrics) {
    return start(settings, catalog, rollouts, actions, metrics, Optional.empty());
  }

  /** @param channelWrites static-mode writes (weight, revoke, re-sign), when started with the signing key */
  public static DashboardServer start(DashboardSettings settings, StoreCatalog catalog, RolloutSource rollouts, Optional<RolloutActions> actions,
      Optional<ChannelWrites> channelWrites) {
    return start(settings, catalog, rollouts, actions, MetricsSource.none(), channelWrites);
  }

  public static DashboardServer start(DashboardSettings settings, StoreCatalog catalog, RolloutSource rollouts, Optional<RolloutActions> actions,
      MetricsSource metrics, Optional<ChannelWrites> channelWrites) {
    // One token for every form that writes: the channel's (static mode) and the Rollout buttons.
    CsrfToken csrfToken = new CsrfToken(new SecureRandom());
    Optional<CsrfToken> csrf = channelWrites.map(w -> csrfToken);
    Optional<ChannelPage.WriteForms> forms = channelWrites.map(w -> new ChannelPage.WriteForms(csrfToken.value(), w.kid()));
    Vertx vertx = Vertx.vertx();
    Pages pages = new Pages();
    Router router = Router.router(vertx);
    router.route().handler(new SecurityHeaders());
    router.get("/healthz").handler(ctx -> ctx.response().end("ok\n"));
    router.get("/readyz").handler(ctx -> ctx.response().end("ok\n"));
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true).setMaxAgeSeconds(86_400));
    router.get("/static/*").handler(StaticHandler.create("dashboard-static"));
    router.get("/").blockingHandler(new OverviewHandler(catalog, rollouts, pages), false);
    router.get("/apps/:app/:platform/:channel").blockingHandler(ChannelHandler.show(catalog, rollouts, pages, forms), false);
    router.post("/apps/:app/:platform/:channel/verify").blockingHandler(ChannelHandler.verify(catalog, rollouts, pages, forms), false);
    ChannelWriteHandler channelWritePages = new ChannelWriteHandler(catalog, rollouts, channelWrites, csrf, pages);
    for (String write : List.of("weight", "revoke", "resign")) {
      router.post("/apps/:app/:platform/:channel/" + write).handler(BodyHandler.create().setBodyLimit(4096))
          .blockingHandler(channelWritePages::handle, false);
    }
    router.get("/apps/:app/:platform/:channel/releases/:release").blockingHandler(new ReleaseHandler(catalog, pages, metrics, rollouts), false);
    router.get("/apps/:app/:platform/:channel/explain")
        .blockingHandler(new ExplainHandler(catalog, new DeviceExplainer(), settings.deviceServerUrl(), pages), false);
    RolloutHandler rolloutPages = new RolloutHandler(rollouts, actions, csrfToken, pages);
    router.get("/namespaces/:namespace/rollouts/:name").blockingHandler(rolloutPages::show, false);
    router.post("/namespaces/:namespace/rollouts/:name/:action").handler(BodyHandler.create().setBodyLimit(4096))
        .blockingHandler(rolloutPages::act, false);
    router.route().last().handler(ctx -> pages.error(ctx, 404, "Not found", "Nothing here: " + ctx.request().path() + ". Start from the overview."));
    router.route().failureHandler(ctx -> {
      Throwable failure = ctx.failure();
      if (failure instanceof StoreException) {
        log.warn("store read failed: {}", failure.getMessage());
        pages.error(ctx, 502, "The store did not answer", failure.getMessage() + " — check the store options and that it is reachable.");
      } else if (ctx.statusCode() == 404 || ctx.statusCode() == 405 || ctx.statusCode() == 413) {
        pages.error(ctx, ctx.statusCode(), "Refused", "Status " + ctx.statusCode() + " for " + ctx.request().method() + " " + ctx.request().path());
      } else {
        log.error("page failed: {} {}", ctx.request().method(), ctx.request().path(), failure);
        pages.error(ctx, 500, "The dashboard failed", String.valueOf(failure));
      }
    });
    HttpServer server;
    try {
      server = vertx.createHttpServer().requestHandler(router).listen(settings.port(), settings.host())
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new DashboardStartException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage()
          + "; choose another --port or stop what uses it", e);
    }
    log.info("dashboard on http://{}:{}/ reading {}", settings.host(), server.actualPort(), catalog.describe());
    return new DashboardServer(vertx, server);
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("dashboard did not stop cleanly: {}", e.toString());
    }
  }
}
