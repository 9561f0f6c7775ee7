package com.kivyx.ota.server;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How the server listens and what it allows a client.
 *
 * @param storeRoot a directory store's root: its {@code /apps/…} paths are served (static mode)
 * @param eventBodyLimit bytes of one {@code POST /v1/events} body
 * @param eventsPerSecond tokens per second of each client's (IP's) bucket for {@code /v1/events}
 * @param eventBurst size of that bucket
 * @param maxTrackedClients buckets kept at most; past that, new clients share one bucket
 */
public record ServerConfig(
    String host,
    int port,
    Optional<Path> storeRoot,
    int eventBodyLimit,
    int maxEventsPerBatch,
    double eventsPerSecond,
    int eventBurst,
    int maxTrackedClients,
    int eventLoops) {
  public static final int DEFAULT_PORT = 8080;

  public ServerConfig {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0-65535 (0: any free port), got " + port);
    }
    if (eventBodyLimit < 1024 || maxEventsPerBatch < 1 || eventsPerSecond <= 0 || eventBurst < 1 || maxTrackedClients < 1 || eventLoops < 1) {
      throw new IllegalArgumentException("event limits and event loops must be positive");
    }
  }

  public static ServerConfig defaults(String host, int port, Optional<Path> storeRoot) {
    return new ServerConfig(host, port, storeRoot, 64 * 1024, 100, 2.0, 20, 100_000, Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  public ServerConfig withEventRate(double perSecond, int burst) {
    return new ServerConfig(host, port, storeRoot, eventBodyLimit, maxEventsPerBatch, perSecond, burst, maxTrackedClients, eventLoops);
  }
}
