package com.kivyx.ota.cli;

import com.kivyx.ota.server.ManifestServer;
import com.kivyx.ota.server.ServerConfig;
import com.kivyx.ota.store.ArtifactStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.util.Optional;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kivyx-ota serve}: the manifest server on a store. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve devices from a store: signed channel indexes, /update decisions, the store's blobs (directory stores),",
      "device events and Prometheus metrics. Only indexes signed by a --pubkey key are served."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;

  @Option(names = "--pubkey", required = true, paramLabel = "[KID=]FILE", description = "Pinned public key: .pub.pem or the JSON of 'keys show' (repeatable).")
  List<String> pubkeys;

  @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
  int port = ServerConfig.DEFAULT_PORT;

  @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
  String host = "127.0.0.1";

  @Option(names = "--poll-interval", paramLabel = "DURATION", converter = Durations.class, description = "How often an S3 store's indexes are polled (default: 5s).")
  Duration pollInterval = Duration.ofSeconds(5);

  @Option(names = "--kubernetes", description = "Take the signed indexes from Channel resources' status (in-cluster config or KUBECONFIG); --store then only supplies manifests and blobs.")
  boolean kubernetes;

  @Option(names = "--namespace", paramLabel = "NS", description = "With --kubernetes: watch Channels in this namespace only (default: all).")
  String namespace;

  private final CountDownLatch stop;

  ServeCommand() {
    this(new CountDownLatch(1));
  }

  /** @param stop opened to stop the server (tests); otherwise only a JVM shutdown stops it */
  ServeCommand(CountDownLatch stop) {
    this.stop = stop;
  }

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65_535) {
      throw new Cli.UsageError("--port must be 0-65535, got " + port);
    }
    var keys = PublicKeyFiles.read(pubkeys);
    ArtifactStore target = store.open();
    PrintWriter err = spec.commandLine().getErr();
    err.println("  loading channels from " + (kubernetes ? "Kubernetes Channels, manifests from " : "") + target.describe() + " (keys: " + String.join(", ", keys.keySet()) + ")");
    err.flush();
    KubernetesClient client = kubernetes ? new KubernetesClientBuilder().build() : null;
    ManifestServer server = kubernetes
        ? ServerRunner.startOnKubernetes(target, keys, host, port, client, Optional.ofNullable(namespace))
        : ServerRunner.start(target, keys, host, port, pollInterval);
    int channels = server.source().snapshot().map(s -> s.channels().size()).orElse(0);
    err.println("  serving " + channels + " channel(s) on http://" + host + ":" + server.port() + " (Ctrl-C stops)");
    err.flush();
    try {
      ServerRunner.runUntilStopped(server, stop);
    } finally {
      target.close();
      if (client != null) {
        client.close();
      }
    }
    return 0;
  }
}
