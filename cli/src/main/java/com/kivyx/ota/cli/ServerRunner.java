package com.kivyx.ota.cli;

import com.kivyx.ota.keys.KeySetTrust;
import com.kivyx.ota.server.ChannelSource;
import com.kivyx.ota.server.KubernetesChannelSource;
import com.kivyx.ota.server.ManifestServer;
import com.kivyx.ota.server.ServerConfig;
import com.kivyx.ota.server.ServerMetrics;
import com.kivyx.ota.server.SnapshotBuilder;
import com.kivyx.ota.server.SourceListener;
import com.kivyx.ota.server.StoreChannelSource;
import com.kivyx.ota.server.codepush.CodePushApi;
import com.kivyx.ota.server.codepush.CodePushSettings;
import com.kivyx.ota.server.codepush.CodePushViews;
import com.kivyx.ota.store.StoredObject;
import java.util.List;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.DirectoryStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** Starts the manifest server on a store and keeps it up until stopped (Ctrl-C, SIGTERM, or a test). */
final class ServerRunner {
  static {
    // Vert.x logs through SLF4J (logback) like the rest of the CLI, not java.util.logging.
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
  }

  private ServerRunner() {}

  /** A directory store is watched (and rescanned every 30 s); S3 is polled with conditional GETs. */
  static ManifestServer start(ArtifactStore store, Map<String, ECPublicKey> keys, String host, int port, Duration pollInterval) {
    return start(store, pinned(keys), host, port, pollInterval, Optional.empty());
  }

  /** How the server checks signatures: a SnapshotBuilder for the server's clock. */
  interface Trust {
    SnapshotBuilder builder(Clock clock);
  }

  /** Documents signed by one of these keys. */
  static Trust pinned(Map<String, ECPublicKey> keys) {
    return clock -> new SnapshotBuilder(keys, clock);
  }

  /** Documents signed by a key of the app's key set in the store, trusted from these roots. */
  static Trust roots(ArtifactStore store, Map<String, ECPublicKey> roots) {
    return clock -> new SnapshotBuilder(new KeySetTrust(store, roots, clock), clock);
  }

  /** @param codePush the CodePush acquisition API's deployments, when it is served */
  static ManifestServer start(
      ArtifactStore store, Trust keys, String host, int port, Duration pollInterval, Optional<CodePushSettings> codePush) {
    return start(store, keys, host, port, codePush, (builder, metrics, clock) -> {
      StoreChannelSource.Settings settings =
          root(store).map(r -> StoreChannelSource.Settings.directory(r, Duration.ofSeconds(30)))
              .orElse(StoreChannelSource.Settings.polled(pollInterval, Duration.ofMinutes(1)));
      return new StoreChannelSource(store, builder, settings, metrics, clock);
    });
  }

  /** {@link #startOnKubernetes(ArtifactStore, Trust, String, int, KubernetesClient, Optional, Optional)} with pinned signing keys. */
  static ManifestServer startOnKubernetes(
      ArtifactStore store, Map<String, ECPublicKey> keys, String host, int port, KubernetesClient client, Optional<String> namespace,
      Optional<CodePushSettings> codePush) {
    return startOnKubernetes(store, pinned(keys), host, port, client, namespace, codePush);
  }

  /** Indexes from Channel resources' status; manifests (and, for a directory, blobs) from the store. */
  static ManifestServer startOnKubernetes(
      ArtifactStore store, Trust keys, String host, int port, KubernetesClient client, Optional<String> namespace,
      Optional<CodePushSettings> codePush) {
    return start(store, keys, host, port, codePush,
        (builder, metrics, clock) -> new KubernetesChannelSource(client, namespace, store, builder, metrics, clock));
  }

  private interface SourceFactory {
    ChannelSource create(SnapshotBuilder builder, SourceListener listener, Clock clock);
  }

  private static ManifestServer start(
      ArtifactStore store, Trust keys, String host, int port, Optional<CodePushSettings> codePush, SourceFactory sources) {
    Clock clock = Clock.systemUTC();
    ServerMetrics metrics = new ServerMetrics();
    ServerConfig config = ServerConfig.defaults(host, port, root(store));
    if (codePush.isEmpty()) {
      return ManifestServer.start(config, sources.create(keys.builder(clock), metrics, clock), metrics);
    }
    // The CodePush views follow every snapshot swap, on the source's thread, reading packages from the store.
    CodePushViews views = new CodePushViews(codePush.get().deployments().channels(), url -> store.read(url).map(StoredObject::bytes));
    ChannelSource source = sources.create(keys.builder(clock), SourceListener.all(metrics, views), clock);
    CodePushApi api = new CodePushApi(codePush.get(), config, source, views, metrics);
    return ManifestServer.start(config, source, metrics, List.of(api));
  }

  private static Optional<java.nio.file.Path> root(ArtifactStore store) {
    return store instanceof DirectoryStore directory ? Optional.of(directory.root()) : Optional.empty();
  }

  /** Blocks until {@code stop} opens; a JVM shutdown (Ctrl-C, SIGTERM) stops the server gracefully first. */
  static void runUntilStopped(ManifestServer server, CountDownLatch stop) throws InterruptedException {
    runUntilStopped(server::close, stop);
  }

  /** The same for any server: {@code close} runs on stop or JVM shutdown. */
  static void runUntilStopped(Runnable close, CountDownLatch stop) throws InterruptedException {
    Thread hook = new Thread(() -> {
      close.run();
      stop.countDown();
    }, "kivyx-ota-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stop.await();
    } finally {
      close.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }
}
