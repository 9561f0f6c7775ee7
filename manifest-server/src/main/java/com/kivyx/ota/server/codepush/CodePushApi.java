package com.kivyx.ota.server.codepush;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.telemetry.EventType;
import com.kivyx.ota.telemetry.TrialReason;
import com.kivyx.ota.server.ChannelSnapshot;
import com.kivyx.ota.server.ChannelSource;
import com.kivyx.ota.server.DeviceRoutes;
import com.kivyx.ota.server.ServerConfig;
import com.kivyx.ota.server.ServerMetrics;
import com.kivyx.ota.server.QueryParams;
import com.kivyx.ota.server.TokenBuckets;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * The acquisition API of react-native-code-push 9 / code-push SDK 4.x: {@code update_check}
 * and the two status reports, under {@code /v0.1/public/codepush/}. Every success is exactly
 * 200 (SDKs up to 4.2.2 take any other status for an error). Deployment keys are looked up and
 * then forgotten: no answer, log line or metric repeats one.
 */
public final class CodePushApi implements DeviceRoutes {
  public static final String PREFIX = "/v0.1/public/codepush/";
  static final String UPDATE_CHECK = PREFIX + "update_check";
  static final String DEPLOY = PREFIX + "report_status/deploy";
  static final String DOWNLOAD = PREFIX + "report_status/download";
  /** A report is a few hundred bytes; anything much larger is not one. */
  static final int REPORT_BODY_LIMIT = 4096;
  /**
   * The reason a DeploymentFailed report is counted under: the CodePush SDK rolls an update back
   * when the app did not confirm it (notifyAppReady) before the next start.
   */
  static final TrialReason FAILED_REASON = TrialReason.NOT_MARKED_HEALTHY;

  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final Pattern AUTHORITY = Pattern.compile("[A-Za-z0-9.\\-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\]");

  private final CodePushSettings settings;
  private final ChannelSource source;
  private final CodePushViews views;
  private final ServerMetrics metrics;
  private final TokenBuckets reportLimits;
  /** The download base built last, with the Host it came from: a fleet asks through one name. */
  private volatile DownloadBase lastBase;

  private record DownloadBase(String host, int port, boolean ssl, String base) {}

  public CodePushApi(CodePushSettings settings, ServerConfig config, ChannelSource source, CodePushViews views, ServerMetrics metrics) {
    this.settings = settings;
    this.source = source;
    this.views = views;
    this.metrics = metrics;
    this.reportLimits = new TokenBuckets(config.eventsPerSecond(), config.eventBurst(), config.maxTrackedClients(), System::nanoTime);
  }

  @Override
  public String prefix() {
    return PREFIX;
  }

  @Override
  public String route(String path) {
    return switch (path) {
      case UPDATE_CHECK -> "codepush_update_check";
      case DEPLOY -> "codepush_report_deploy";
      case DOWNLOAD -> "codepush_report_download";
      default -> "other";
    };
  }

  @Override
  public void handle(HttpServerRequest req, String route) {
    try {
      switch (req.path()) {
        case UPDATE_CHECK -> {
          requireMethod(req, req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD, "GET, HEAD");
          updateCheck(req);
        }
        case DEPLOY, DOWNLOAD -> {
          requireMethod(req, req.method() == HttpMethod.POST, "POST");
          report(req, req.path().equals(DEPLOY));
        }
        default -> throw new CodePushRequestException(
            404, "not_found", "no such CodePush resource; this server speaks the /v0.1/public/codepush/ API of react-native-code-push 6 and later");
      }
    } catch (CodePushRequestException e) {
      error(req, e);
    } catch (IllegalArgumentException e) {
      // Vert.x's query decoder refuses malformed percent-encoding this way
      error(req, CodePushRequestException.malformed("malformed query: " + e.getMessage()));
    }
  }

  private void updateCheck(HttpServerRequest req) throws CodePushRequestException {
    UpdateCheckQuery query = UpdateCheckQuery.parse(QueryParams.of(req));
    ChannelId key = channelKey(query.deploymentKey());
    Optional<CodePushChannel> channel = views.channel(key);
    Buffer body;
    if (channel.isPresent()) {
      body = UpdateCheck.answer(channel.get(), query, downloadBase(req));
    } else if (source.snapshot().isEmpty()) {
      throw new CodePushRequestException(503, "not_ready", "no channel snapshot loaded yet; retry shortly");
    } else {
      body = UpdateCheck.nothingPublished(query);
    }
    req.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JSON).putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE).end(body);
  }

  private ChannelId channelKey(String deploymentKey) throws CodePushRequestException {
    return settings.deployments().channel(deploymentKey)
        .orElseThrow(() -> new CodePushRequestException(
            404, "unknown_deployment_key",
            "no deployment with this deployment key is served here; check CodePushDeploymentKey in the app and the server's --codepush-deployment list"));
  }

  private String downloadBase(HttpServerRequest req) throws CodePushRequestException {
    if (settings.downloadBase().isPresent()) {
      return settings.downloadBase().get();
    }
    HostAndPort authority = req.authority();
    boolean ssl = req.isSSL();
    DownloadBase last = lastBase;
    if (authority != null && last != null && last.ssl() == ssl && last.port() == authority.port() && last.host().equals(authority.host())) {
      return last.base();
    }
    if (authority == null || !AUTHORITY.matcher(authority.host()).matches()) {
      throw CodePushRequestException.malformed("the request needs a valid Host header: download URLs are built from it");
    }
    String scheme = ssl ? "https" : "http";
    boolean defaultPort = authority.port() < 0 || (scheme.equals("http") && authority.port() == 80) || (scheme.equals("https") && authority.port() == 443);
    String base = scheme + "://" + authority.host() + (defaultPort ? "" : ":" + authority.port()) + "/";
    lastBase = new DownloadBase(authority.host(), authority.port(), ssl, base);
    return base;
  }

  private void report(HttpServerRequest req, boolean deploy) throws CodePushRequestException {
    String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/json") && !type.toLowerCase(Locale.ROOT).startsWith("text/plain")) {
      throw new CodePushRequestException(415, "unsupported_media_type", "send the report as application/json");
    }
    String declared = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && !declared.trim().matches("\\d{1,9}")) {
      throw CodePushRequestException.malformed("Content-Length is not a number");
    }
    if (declared != null && Integer.parseInt(declared.trim()) > REPORT_BODY_LIMIT) {
      tooLarge(req);
      return;
    }
    if (!reportLimits.tryAcquire(req.remoteAddress() == null ? "?" : req.remoteAddress().hostAddress())) {
      metrics.rateLimited();
      req.response().putHeader("Retry-After", "1");
      throw new CodePushRequestException(429, "rate_limited", "too many status reports from this address");
    }
    Buffer body = Buffer.buffer(256);
    AtomicBoolean refused = new AtomicBoolean();
    req.handler(chunk -> {
      if (!refused.get() && body.length() + chunk.length() > REPORT_BODY_LIMIT) {
        refused.set(true);
        tooLarge(req);
      } else if (!refused.get()) {
        body.appendBuffer(chunk);
      }
    });
    req.endHandler(v -> {
      if (refused.get()) {
        return;
      }
      try {
        StatusReport report = deploy ? StatusReport.deploy(body.getBytes()) : StatusReport.download(body.getBytes());
        count(report, channelKey(report.deploymentKey()));
        req.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JSON).putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
            .end("{\"status\":\"ok\"}");
      } catch (CodePushRequestException e) {
        error(req, e);
      }
    });
  }

  /** Into the same device-event counters as /v1/events; label values only from the snapshot. */
  private void count(StatusReport report, ChannelId key) {
    if (report.type().isEmpty()) {
      return;
    }
    Optional<ChannelSnapshot> channel = source.snapshot().flatMap(s -> s.channel(key));
    if (channel.isEmpty()) {
      metrics.dropped("unknown_channel");
      return;
    }
    String release = report.label().filter(channel.get().knownReleases()::contains).orElse("other");
    EventType type = EventType.fromWire(report.type().get()).orElseThrow();
    metrics.deviceEvent(key, release, type, type == EventType.ROLLED_BACK ? FAILED_REASON : TrialReason.NONE);
  }

  private static void requireMethod(HttpServerRequest req, boolean allowed, String allow) throws CodePushRequestException {
    if (!allowed) {
      req.response().putHeader(HttpHeaders.ALLOW, allow);
      throw new CodePushRequestException(405, "method_not_allowed", "use " + allow);
    }
  }

  private static void tooLarge(HttpServerRequest req) {
    req.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    error(req, new CodePushRequestException(413, "body_too_large", "a status report is at most " + REPORT_BODY_LIMIT + " bytes"))
        .onComplete(v -> req.connection().close());
  }

  private static io.vertx.core.Future<Void> error(HttpServerRequest req, CodePushRequestException e) {
    HttpServerResponse resp = req.response();
    if (resp.ended()) {
      return io.vertx.core.Future.succeededFuture();
    }
    String body = "{\"error\":" + Offer.quote(e.error()) + ",\"message\":" + Offer.quote(e.getMessage()) + "}";
    return resp.setStatusCode(e.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(body);
  }
}
