package com.kivyx.ota.server;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manifest server: answers device polls from an in-memory snapshot of signed channel
 * indexes, serves a directory store's files, and counts device events.
 *
 * <p>Vert.x core rather than raw Netty: the same event-loop model, with HTTP/1.1 keep-alive,
 * pipelining, zero-copy {@code sendFile} and request decoding limits done for us, and it is the
 * Vert.x line fabric8's Kubernetes client already brings into the CLI jar (so no second HTTP
 * stack). The polls that make up nearly all traffic skip Vert.x's request and response objects
 * ({@link PollFastPath}, on Netty's decoded requests), which is what takes them to nginx's cost.
 */
public final class ManifestServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ManifestServer.class);
  /** How long a stop waits for requests in flight. */
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
  /** The longest a stop waits for the metrics scraper's next visit. */
  private static final Duration LAST_SCRAPE_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final List<HttpServer> servers;
  private final HttpApi api;
  private final ChannelSource source;
  private final LongAdder fastPolls;
  private volatile boolean closed;

  private ManifestServer(Vertx vertx, List<HttpServer> servers, HttpApi api, ChannelSource source, LongAdder fastPolls) {
    this.fastPolls = fastPolls;
    this.vertx = vertx;
    this.servers = List.copyOf(servers);
    this.api = api;
    this.source = source;
  }

  /** Starts the channel source (one load, then following changes) and listens. */
  public static ManifestServer start(ServerConfig config, ChannelSource source, ServerMetrics metrics) {
    return start(config, source, metrics, List.of());
  }

  /** @param protocols other device protocols served beside the v1 API (CodePush) */
  public static ManifestServer start(ServerConfig config, ChannelSource source, ServerMetrics metrics, List<DeviceRoutes> protocols) {
    return start(config, source, metrics, protocols, BlobCache.defaults());
  }

  /** @param blobs what the server remembers of blobs it sent (tests compare it with none) */
  static ManifestServer start(ServerConfig config, ChannelSource source, ServerMetrics metrics, List<DeviceRoutes> protocols, BlobCache blobs) {
    return start(config, source, metrics, protocols, blobs, true);
  }

  /** @param pollFastPath whether {@link PollFastPath} answers device polls (tests compare it with Vert.x's route) */
  static ManifestServer start(ServerConfig config, ChannelSource source, ServerMetrics metrics, List<DeviceRoutes> protocols, BlobCache blobs, boolean pollFastPath) {
    source.start();
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(config.eventLoops())
                .setWorkerPoolSize(2)
                // epoll on Linux (the jar carries it for x86-64 and arm64); NIO's selector elsewhere
                .setPreferNativeTransport(true)
                // We serve files by absolute path; no classpath lookups, no cache directory.
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
    if (!vertx.isNativeTransportEnabled()) {
      log.warn("serving on Java NIO, not epoll ({}): expect fewer requests per core", java.util.Objects.toString(vertx.unavailableNativeTransportCause(), "turned off"));
    }
    HttpApi api = new HttpApi(vertx, config, source, metrics, openapi(), protocols, blobs);
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.host())
            .setPort(config.port())
            .setMaxInitialLineLength(8 * 1024)
            .setMaxHeaderSize(16 * 1024)
            .setMaxChunkSize(8 * 1024)
            .setIdleTimeout(120)
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setCompressionSupported(false)
            // no WebSockets here: without these Vert.x adds no extension handler to look at every request
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            // HTTP/1.1 only: HTTP/2 is a TLS terminator's business; h2c upgrades would bypass our line limits
            .setHttp2ClearTextEnabled(false)
            .setTcpNoDelay(true);
    PollFastPath.Shared fastPath = new PollFastPath.Shared(source, api.known(), blobs, api.expo(), metrics, api::draining);
    List<HttpServer> servers = new ArrayList<>();
    try {
      // One server per event loop on the same port: Vert.x hands new connections to them in turn.
      for (int i = 0; i < config.eventLoops(); i++) {
        HttpServer server = vertx.createHttpServer(options).requestHandler(api).invalidRequestHandler(api::invalid);
        if (pollFastPath) {
          server.connectionHandler(connection -> PollFastPath.install(connection, fastPath));
        }
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        servers.add(server);
        if (config.port() == 0) {
          break; // a random port cannot be shared by several servers: one event loop serves it (tests)
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      vertx.close();
      source.close();
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new ServerStartException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + cause.getMessage() + "; choose another --port or --host", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      vertx.close();
      source.close();
      throw new ServerStartException("interrupted while starting the server", e);
    }
    log.info("listening on http://{}:{} serving {}", config.host(), servers.get(0).actualPort(), source.describe());
    return new ManifestServer(vertx, servers, api, source, fastPath.answered());
  }

  public int port() {
    return servers.get(0).actualPort();
  }

  /** Device polls {@link PollFastPath} answered so far. */
  long fastPolls() {
    return fastPolls.sum();
  }

  /** Whether connections run on the native (epoll) transport rather than Java NIO. */
  public boolean nativeTransport() {
    return vertx.isNativeTransportEnabled();
  }

  public ChannelSource source() {
    return source;
  }

  /**
   * Stops gracefully: new requests get 503 and {@code /readyz} turns unready, requests in
   * flight finish (up to 10 s), then, when something scrapes {@code /metrics} regularly, one
   * more scrape is awaited (up to two scrape intervals, at most 30 s) so the events counted
   * since the last one are not lost; then the port closes and the source stops.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    api.drain();
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    while (api.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    awaitLastScrape();
    try {
      for (HttpServer server : servers) {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("the HTTP server did not stop cleanly: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      source.close();
    }
    log.info("stopped");
  }

  private void awaitLastScrape() {
    long seen = api.scrapes();
    Duration grace = api.scrapeGrace(LAST_SCRAPE_TIMEOUT);
    long deadline = System.nanoTime() + grace.toNanos();
    while (api.scrapes() == seen && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!grace.isZero()) {
      log.info(api.scrapes() == seen ? "no scrape of /metrics within {} of the drain; stopping" : "scraped after the drain; stopping", grace);
    }
  }

  private static byte[] openapi() {
    try (InputStream in = ManifestServer.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the server's resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
