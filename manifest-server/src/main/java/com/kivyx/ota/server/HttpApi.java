package com.kivyx.ota.server;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.telemetry.TrialReason;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.expo.ExpoReleasePublisher;
import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.server.expo.ExpoApi;
import com.kivyx.ota.server.expo.ExpoChannel;
import com.kivyx.ota.server.expo.ExpoResponse;
import com.kivyx.ota.server.expo.ExpoTelemetry;
import com.kivyx.ota.rollout.Device;
import com.kivyx.ota.store.StoreKeys;
import com.kivyx.ota.store.StoreLayout;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of DESIGN.md "Manifest server HTTP API (v1)", on Vert.x core without a router:
 * a handful of fixed routes matched by splitting the raw path. Handlers run on the event loop
 * and never block: answers come from the current {@link Snapshot}, files go out with {@code
 * sendFile}.
 */
final class HttpApi implements Handler<HttpServerRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  private static final CharSequence JSON = Answer.JSON;
  private static final CharSequence IMMUTABLE_CACHE = HttpHeaders.createOptimized(StoreLayout.IMMUTABLE_CACHE);
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence PROMETHEUS = HttpHeaders.createOptimized("text/plain; version=0.0.4; charset=utf-8");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence X_CONTENT_TYPE_OPTIONS = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence BYTES = HttpHeaders.createOptimized("bytes");
  private static final CharSequence RANGE = HttpHeaders.createOptimized("Range");
  private static final Pattern KEY_SET = Pattern.compile("apps/" + ChannelId.NAME.pattern() + "/keys(/[1-9][0-9]{0,17})?\\.cose");
  private static final Pattern BLOB = Pattern.compile("apps/(" + ChannelId.NAME.pattern() + ")/blobs/sha256/([0-9a-f]{64})");

  private final Vertx vertx;
  private final ServerConfig config;
  private final ChannelSource source;
  private final ServerMetrics metrics;
  private final DeviceEvents events;
  private final TokenBuckets eventLimits;
  private final ExpoApi expo;
  private final BlobCache blobs;
  /** 1 MiB of remembered (device, header, value) hashes for Expo telemetry. */
  private static final int EXPO_TELEMETRY_SLOTS = 1 << 17;
  private final byte[] openapi;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final java.util.List<DeviceRoutes> protocols;
  private volatile boolean draining;
  private final KnownChannels known;
  private final AtomicLong scrapes = new AtomicLong();
  private volatile long lastScrapeNanos;
  private volatile long scrapeIntervalNanos;

  HttpApi(Vertx vertx, ServerConfig config, ChannelSource source, ServerMetrics metrics, byte[] openapi) {
    this(vertx, config, source, metrics, openapi, java.util.List.of());
  }

  HttpApi(Vertx vertx, ServerConfig config, ChannelSource source, ServerMetrics metrics, byte[] openapi, java.util.List<DeviceRoutes> protocols) {
    this(vertx, config, source, metrics, openapi, protocols, BlobCache.defaults());
  }

  HttpApi(Vertx vertx, ServerConfig config, ChannelSource source, ServerMetrics metrics, byte[] openapi, java.util.List<DeviceRoutes> protocols, BlobCache blobs) {
    this.blobs = blobs;
    this.protocols = java.util.List.copyOf(protocols);
    this.vertx = vertx;
    this.config = config;
    this.source = source;
    this.metrics = metrics;
    this.openapi = openapi;
    this.known = new KnownChannels(source);
    this.events = new DeviceEvents(config.maxEventsPerBatch(), metrics);
    this.expo =
        new ExpoApi(
            new ExpoTelemetry(
                // expo-updates says what happened, never why: no reason code
                (channel, release, type) -> metrics.deviceEvent(channel, release, type, TrialReason.NONE),
                EXPO_TELEMETRY_SLOTS));
    this.eventLimits = new TokenBuckets(config.eventsPerSecond(), config.eventBurst(), config.maxTrackedClients(), System::nanoTime);
  }

  /**
   * Refuse new requests (503, connection closed) so the server can stop once in-flight ones
   * finish; {@code /metrics} still answers, so the scraper collects the last counts.
   */
  void drain() {
    draining = true;
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Scrapes of /metrics answered so far. */
  long scrapes() {
    return scrapes.get();
  }

  /**
   * How long to wait for one more scrape at shutdown: twice the last interval between two
   * scrapes, at most {@code max}; zero when nothing scrapes this server regularly.
   */
  Duration scrapeGrace(Duration max) {
    long interval = scrapeIntervalNanos;
    if (interval <= 0 || scrapes.get() < 2) {
      return Duration.ZERO;
    }
    Duration twice = Duration.ofNanos(interval).multipliedBy(2);
    return twice.compareTo(max) > 0 ? max : twice;
  }

  private void scraped() {
    long now = System.nanoTime();
    long last = lastScrapeNanos;
    if (last != 0) {
      scrapeIntervalNanos = now - last;
    }
    lastScrapeNanos = now;
    scrapes.incrementAndGet();
  }

  @Override
  public void handle(HttpServerRequest req) {
    long start = System.nanoTime();
    String path = req.path();
    DeviceRoutes protocol = protocol(path);
    String route = protocol == null ? route(path) : protocol.route(path);
    HttpServerResponse resp = req.response();
    inFlight.incrementAndGet();
    Finish finish = new Finish(route, resp, start);
    resp.endHandler(finish);
    resp.closeHandler(finish);
    if (draining && !route.equals("metrics")) {
      resp.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      error(req, 503, "shutting_down", "the server is shutting down; retry");
      return;
    }
    try {
      if (protocol != null) {
        protocol.handle(req, route);
      } else {
        dispatch(req, path, route);
      }
    } catch (BadRequestException e) {
      error(req, e.status(), e.error(), e.getMessage());
    } catch (IllegalArgumentException e) {
      // Vert.x's query decoder refuses malformed percent-encoding this way
      error(req, 400, "bad_request", "malformed request: " + e.getMessage());
    } catch (RuntimeException e) {
      log.error("{} {} failed", req.method(), path, e);
      if (!resp.ended()) {
        error(req, 500, "internal", "internal error; see the server log");
      }
    }
  }

  /** Counts a request once, when its response ends or its connection closes (both on its event loop). */
  private final class Finish implements Handler<Void> {
    private final String route;
    private final HttpServerResponse resp;
    private final long start;
    private boolean done;

    Finish(String route, HttpServerResponse resp, long start) {
      this.route = route;
      this.resp = resp;
      this.start = start;
    }

    @Override
    public void handle(Void ignored) {
      if (!done) {
        done = true;
        inFlight.decrementAndGet();
        metrics.request(route, resp.getStatusCode(), System.nanoTime() - start);
      }
    }
  }

  /** Requests Netty could not decode (line or headers too long, bad syntax): a JSON error, then close. */
  void invalid(HttpServerRequest req) {
    Throwable cause = req.decoderResult().cause();
    int status = 400;
    if (cause instanceof TooLongFrameException) {
      status = cause.getClass().getSimpleName().contains("Header") ? 431 : 414;
    }
    HttpServerResponse resp = req.response();
    resp.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    error(req, status, "bad_request", status == 414 ? "the request line is too long" : status == 431 ? "the headers are too large" : "malformed HTTP request")
        .onComplete(v -> req.connection().close());
  }

  private DeviceRoutes protocol(String path) {
    for (DeviceRoutes p : protocols) {
      if (path.startsWith(p.prefix())) {
        return p;
      }
    }
    return null;
  }

  private static String route(String path) {
    if (path.startsWith("/v1/apps/")) {
      return path.endsWith("/update") ? "update" : path.endsWith("/index") ? "index" : path.endsWith("/expo/manifest") ? "expo" : "other";
    }
    if (path.startsWith("/apps/")) {
      return "store";
    }
    return switch (path) {
      case "/v1/events" -> "events";
      case "/healthz" -> "healthz";
      case "/readyz" -> "readyz";
      case "/metrics" -> "metrics";
      case "/openapi.yaml" -> "openapi";
      default -> "other";
    };
  }

  private void dispatch(HttpServerRequest req, String path, String route) throws BadRequestException {
    HttpMethod method = req.method();
    boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
    switch (route) {
      case "index", "update" -> {
        requireMethod(read, "GET, HEAD");
        ChannelSnapshot known = knownChannel(path, route);
        if (known != null) {
          if (route.equals("index")) {
            index(req, known);
          } else {
            update(req, known);
          }
          return;
        }
        // /v1/apps/{appId}/{platform}/channels/{channel}/{index|update}
        String[] parts = path.split("/", -1);
        if (parts.length != 8 || !parts[5].equals("channels")) {
          throw new BadRequestException(404, "not_found", "no such resource: " + path);
        }
        ChannelSnapshot channel = channel(ChannelId.parse(parts[3], parts[4], parts[6]), parts[3] + "/" + parts[4] + "/" + parts[6]);
        if (route.equals("index")) {
          index(req, channel);
        } else {
          update(req, channel);
        }
      }
      case "expo" -> {
        requireMethod(read, "GET, HEAD");
        // /v1/apps/{appId}/expo/manifest
        String[] parts = path.split("/", -1);
        if (parts.length != 6) {
          throw new BadRequestException(404, "not_found", "no such resource: " + path);
        }
        send(req, expo.respond(parts[3], req::getHeader, source.snapshot()));
      }
      case "store" -> {
        requireMethod(read, "GET, HEAD");
        store(req, path.substring(1));
      }
      case "events" -> {
        requireMethod(method == HttpMethod.POST, "POST");
        events(req);
      }
      case "healthz" -> {
        requireMethod(read, "GET, HEAD");
        json(req, 200, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
      }
      case "readyz" -> {
        requireMethod(read, "GET, HEAD");
        Optional<Snapshot> snapshot = source.snapshot();
        if (snapshot.isEmpty() || draining) {
          error(req, 503, "not_ready", draining ? "shutting down" : "no channel snapshot loaded yet from " + source.describe());
        } else {
          json(req, 200, ("{\"channels\":" + snapshot.get().channels().size() + ",\"status\":\"ready\"}").getBytes(StandardCharsets.UTF_8));
        }
      }
      case "metrics" -> {
        requireMethod(read, "GET, HEAD");
        // A scrape walks every meter: off the event loop.
        vertx.<String>executeBlocking(metrics::scrape, false)
            .onSuccess(text -> {
              req.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS).putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE).end(text);
              scraped();
            })
            .onFailure(e -> error(req, 500, "internal", "metrics unavailable: " + e.getMessage()));
      }
      case "openapi" -> {
        requireMethod(read, "GET, HEAD");
        req.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml").end(Buffer.buffer(openapi));
      }
      default -> throw new BadRequestException(404, "not_found", "no such resource: " + path);
    }
  }

  /** The channel of a device path spelled as this server spells it, or null (see {@link ChannelPaths}). */
  private ChannelSnapshot knownChannel(String path, String route) {
    return route.equals("index") ? known.index(path) : known.update(path);
  }

  /** The channels {@link PollFastPath} looks requests up in: the same as this API's. */
  KnownChannels known() {
    return known;
  }

  /** The Expo route's answers, which {@link PollFastPath} writes the same way. */
  ExpoApi expo() {
    return expo;
  }

  boolean draining() {
    return draining;
  }

  private static void requireMethod(boolean allowed, String allow) throws BadRequestException {
    if (!allowed) {
      throw new BadRequestException(405, "method_not_allowed", "use " + allow);
    }
  }

  private ChannelSnapshot channel(Optional<ChannelId> key, String name) throws BadRequestException {
    Snapshot snapshot = source.snapshot().orElseThrow(() -> new BadRequestException(503, "not_ready", "no channel snapshot loaded yet; retry shortly"));
    return key.flatMap(snapshot::channel)
        .orElseThrow(() -> new BadRequestException(404, "unknown_channel", "no channel " + name + " is served here"));
  }

  private static void index(HttpServerRequest req, ChannelSnapshot channel) {
    HttpServerResponse resp = req.response();
    Answer index = channel.indexAnswer();
    resp.putHeader(HttpHeaders.ETAG, index.etagHeader()).putHeader(HttpHeaders.CACHE_CONTROL, index.cacheControl());
    if (ETags.matches(req.getHeader(HttpHeaders.IF_NONE_MATCH), index.etag())) {
      resp.setStatusCode(304).end();
      return;
    }
    resp.putHeader(HttpHeaders.CONTENT_TYPE, index.contentType()).end(index.wire());
  }

  private static void update(HttpServerRequest req, ChannelSnapshot channel) throws BadRequestException {
    Device device = DeviceQuery.parse(QueryParams.of(req));
    Decision decision = channel.decider().decide(device);
    Answer answer = channel.answers().forDecision(decision);
    HttpServerResponse resp = req.response();
    resp.putHeader(HttpHeaders.ETAG, answer.etagHeader()).putHeader(HttpHeaders.CACHE_CONTROL, answer.cacheControl());
    if (ETags.matches(req.getHeader(HttpHeaders.IF_NONE_MATCH), answer.etag())) {
      resp.setStatusCode(304).end();
      return;
    }
    resp.putHeader(HttpHeaders.CONTENT_TYPE, answer.contentType()).end(answer.wire());
  }

  /** The store's own paths: verified index bytes for {@code index.cose}, files for blobs. */
  private void store(HttpServerRequest req, String key) throws BadRequestException {
    Optional<Snapshot> snapshot = source.snapshot();
    // a key in the cache passed the checks below when it was read
    BlobCache.Blob known = snapshot.isEmpty() ? null : blobs.get(snapshot.get(), key);
    if (known != null) {
      sendBlob(req, known);
      return;
    }
    if (!StoreKeys.isSafe(key)) {
      throw new BadRequestException("bad_path", "store paths are relative keys of letters, digits, '.', '_', '~', '-' and '/', without '.' or '..' segments");
    }
    Optional<ChannelId> indexOf = StoreLayout.channelOfIndex(key);
    if (indexOf.isPresent()) {
      // The verified bytes, not the file: a file changed behind our back is never served.
      index(req, channel(indexOf, indexOf.get().toString()));
      return;
    }
    if (config.storeRoot().isPresent() && KEY_SET.matcher(key).matches()) {
      sendKeySet(req, config.storeRoot().get().resolve(key), key);
      return;
    }
    Matcher match = BLOB.matcher(key);
    if (config.storeRoot().isEmpty() || !match.matches()) {
      throw new BadRequestException(404, "not_found", "no such object: " + key);
    }
    String appId = match.group(1);
    String sha256 = match.group(2);
    Path file = config.storeRoot().get().resolve(key);
    vertx.fileSystem()
        .props(file.toString())
        .onComplete(
            ar -> {
              if (ar.failed() || !ar.result().isRegularFile()) {
                error(req, 404, "not_found", "no such object: " + key);
                return;
              }
              long size = ar.result().size();
              String type = snapshot.flatMap(s -> s.blobType(appId, sha256)).orElse("application/octet-stream");
              BlobCache.Blob fromFile = BlobCache.Blob.of(appId, sha256, file.toString(), size, type, null);
              if (snapshot.isEmpty() || !blobs.fits(size)) {
                sendBlob(req, fromFile);
                return;
              }
              vertx.<byte[]>executeBlocking(() -> BlobCache.readVerified(file, sha256, size), false).onComplete(read -> {
                if (read.failed() || read.result() == null) {
                  // bytes that are not what their name says are never kept: sent as stored, devices refuse them
                  sendBlob(req, fromFile);
                  return;
                }
                BlobCache.Blob blob = BlobCache.Blob.of(appId, sha256, file.toString(), size, type, read.result());
                blobs.put(snapshot.get(), key, blob);
                sendBlob(req, blob);
              });
            });
  }

  /**
   * A key set file of a directory store, as stored: devices verify it themselves (it is signed
   * by a root they pin), so the server passes it on like a CDN would.
   */
  private void sendKeySet(HttpServerRequest req, Path file, String key) {
    vertx.fileSystem().readFile(file.toString()).onComplete(ar -> {
      if (ar.failed()) {
        error(req, 404, "not_found", "no such object: " + key);
        return;
      }
      byte[] bytes = ar.result().getBytes();
      String etag = ETags.ofHex(com.kivyx.ota.store.Sha256.hex(bytes));
      HttpServerResponse resp = req.response()
          .putHeader(HttpHeaders.ETAG, etag)
          .putHeader(HttpHeaders.CACHE_CONTROL, StoreLayout.cacheControl(key))
          .putHeader(HttpHeaders.CONTENT_TYPE, StoreLayout.COSE_CONTENT_TYPE);
      if (ETags.matches(req.getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
        resp.setStatusCode(304).end();
      } else if (req.method() == HttpMethod.HEAD) {
        resp.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(bytes.length)).end();
      } else {
        resp.end(Buffer.buffer(bytes));
      }
    });
  }

  private void sendBlob(HttpServerRequest req, BlobCache.Blob blob) {
    HttpServerResponse resp = req.response();
    Optional<ExpoChannel.Patch> patch = expo.patchFor(blob.appId(), blob.sha256(), req::getHeader, source.snapshot());
    if (patch.isPresent() && config.storeRoot().isPresent()) {
      sendPatch(req, patch.get());
      return;
    }
    resp.putHeader(HttpHeaders.ETAG, blob.etagHeader())
        .putHeader(HttpHeaders.CACHE_CONTROL, IMMUTABLE_CACHE)
        .putHeader(HttpHeaders.ACCEPT_RANGES, BYTES)
        .putHeader(HttpHeaders.CONTENT_TYPE, blob.contentType());
    if (ETags.matches(req.getHeader(HttpHeaders.IF_NONE_MATCH), blob.etag())) {
      resp.setStatusCode(304).end();
      return;
    }
    long size = blob.size();
    Optional<ByteRange> range;
    try {
      range = ByteRange.parse(req.getHeader(RANGE), size);
    } catch (ByteRange.Unsatisfiable e) {
      resp.headers().remove(HttpHeaders.CONTENT_TYPE);
      resp.putHeader("Content-Range", "bytes */" + size);
      error(req, 416, "range_not_satisfiable", "the object has " + size + " bytes");
      return;
    }
    long offset = range.map(ByteRange::start).orElse(0L);
    long length = range.map(ByteRange::length).orElse(size);
    if (range.isPresent()) {
      resp.setStatusCode(206).putHeader("Content-Range", "bytes " + offset + "-" + range.get().endInclusive() + "/" + size);
    }
    if (req.method() == HttpMethod.HEAD) {
      resp.putHeader(HttpHeaders.CONTENT_LENGTH, range.isPresent() ? String.valueOf(length) : blob.contentLength()).end();
      return;
    }
    if (blob.bytes() != null) {
      resp.end(range.isPresent() ? blob.bytes().slice((int) offset, (int) (offset + length)) : blob.bytes());
      return;
    }
    resp.sendFile(blob.file(), offset, length)
        .onFailure(e -> log.debug("sending {} failed: {}", blob.file(), e.toString()));
  }

  /**
   * A BSDIFF40 patch instead of the launch asset, the way expo-updates checks it: 226 IM Used,
   * {@code IM: bsdiff}, {@code Delta-Base} the update it runs, and the update it installs as a
   * raw (unquoted) {@code ETag}, which the client compares as is. A missing patch file falls back
   * to the full asset.
   */
  private void sendPatch(HttpServerRequest req, ExpoChannel.Patch patch) {
    Path file = config.storeRoot().get().resolve(patch.url());
    HttpServerResponse resp = req.response();
    resp.setStatusCode(226)
        .putHeader("IM", "bsdiff")
        .putHeader("Delta-Base", patch.currentUpdateId())
        .putHeader(HttpHeaders.ETAG, patch.requestedUpdateId())
        .putHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=31536000, immutable")
        .putHeader(HttpHeaders.VARY, "A-IM, If-None-Match, If-Match")
        .putHeader(HttpHeaders.CONTENT_TYPE, ExpoReleasePublisher.PATCH_CONTENT_TYPE);
    if (req.method() == HttpMethod.HEAD) {
      resp.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(patch.size())).end();
      return;
    }
    resp.sendFile(file.toString()).onFailure(e -> log.debug("sending patch {} failed: {}", file, e.toString()));
  }

  private static void send(HttpServerRequest req, ExpoResponse answer) {
    HttpServerResponse resp = req.response().setStatusCode(answer.status());
    ExpoResponse.Wire wire = answer.wire();
    for (int i = 0; i < wire.names().length; i++) {
      resp.putHeader(wire.names()[i], wire.values()[i]);
    }
    if (answer.status() == 204) {
      resp.end();
      return;
    }
    resp.end(wire.body());
  }

  /** How much of an oversized event body is read and dropped so the client sees the 413. */
  private static final long DRAIN_LIMIT = 1 << 20;

  private void events(HttpServerRequest req) throws BadRequestException {
    String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new BadRequestException(415, "unsupported_media_type", "send the events as application/json");
    }
    String declared = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && parseLength(declared) > config.eventBodyLimit()) {
      if (parseLength(declared) > config.eventBodyLimit() + DRAIN_LIMIT) {
        tooLarge(req);
      } else {
        drainThenRefuse(req, 0);
      }
      return;
    }
    if (!eventLimits.tryAcquire(req.remoteAddress() == null ? "?" : req.remoteAddress().hostAddress())) {
      metrics.rateLimited();
      req.response().putHeader("Retry-After", "1");
      error(req, 429, "rate_limited", "too many event batches from this address; send fewer, larger batches");
      return;
    }
    Buffer body = Buffer.buffer(Math.min(config.eventBodyLimit(), 4096));
    AtomicBoolean refused = new AtomicBoolean();
    req.handler(
        chunk -> {
          if (refused.get()) {
            return;
          }
          if (body.length() + chunk.length() > config.eventBodyLimit()) {
            refused.set(true);
            drainThenRefuse(req, body.length() + chunk.length());
            return;
          }
          body.appendBuffer(chunk);
        });
    req.endHandler(
        v -> {
          if (refused.get()) {
            return;
          }
          try {
            int counted = events.accept(body.getBytes(), key -> source.snapshot().flatMap(s -> s.channel(key)));
            json(req, 202, ("{\"accepted\":" + counted + "}").getBytes(StandardCharsets.UTF_8));
          } catch (BadRequestException e) {
            error(req, e.status(), e.error(), e.getMessage());
          }
        });
  }

  private static long parseLength(String header) throws BadRequestException {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw new BadRequestException("bad_request", "Content-Length is not a number");
    }
  }

  /**
   * Reads (and drops) the rest of a moderately oversized body before answering 413: a server
   * that answers and closes while the client is still sending makes most clients report a
   * broken connection instead of the 413. Past {@link #DRAIN_LIMIT} it answers and closes.
   */
  private void drainThenRefuse(HttpServerRequest req, long alreadyRead) {
    long[] seen = {alreadyRead};
    AtomicBoolean answered = new AtomicBoolean();
    req.handler(chunk -> {
      seen[0] += chunk.length();
      if (seen[0] > config.eventBodyLimit() + DRAIN_LIMIT && answered.compareAndSet(false, true)) {
        tooLarge(req);
      }
    });
    req.endHandler(v -> {
      if (answered.compareAndSet(false, true)) {
        tooLarge(req);
      }
    });
  }

  /** 413 and close: the rest of the body is not worth reading. */
  private void tooLarge(HttpServerRequest req) {
    HttpServerResponse resp = req.response();
    resp.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    error(req, 413, "body_too_large", "an event batch is at most " + config.eventBodyLimit() + " bytes")
        .onComplete(v -> req.connection().close());
  }

  private static Future<Void> json(HttpServerRequest req, int status, byte[] body) {
    return req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(Buffer.buffer(body));
  }

  private Future<Void> error(HttpServerRequest req, int status, String error, String message) {
    HttpServerResponse resp = req.response();
    if (resp.ended()) {
      return Future.succeededFuture();
    }
    byte[] body;
    try {
      body = json.writeValueAsBytes(json.createObjectNode().put("error", error).put("message", message));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      body = "{\"error\":\"internal\",\"message\":\"\"}".getBytes(StandardCharsets.UTF_8);
    }
    resp.putHeader(X_CONTENT_TYPE_OPTIONS, NOSNIFF).putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
    if (status == 405) {
      resp.putHeader(HttpHeaders.ALLOW, message.substring("use ".length()));
    }
    return json(req, status, body);
  }
}
