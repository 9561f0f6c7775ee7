package com.kivyx.ota.cli;

import com.kivyx.ota.server.ManifestServer;
import com.kivyx.ota.server.ServerConfig;
import com.kivyx.ota.store.ArtifactStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import com.kivyx.ota.server.codepush.CodePushSettings;
import com.kivyx.ota.server.codepush.DeploymentKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
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

  @Option(names = "--pubkey", paramLabel = "[KID=]FILE", description = "Pinned public key: .pub.pem or the JSON of 'keys show' (repeatable).")
  List<String> pubkeys = new java.util.ArrayList<>();

  @Option(
      names = "--trust-root",
      paramLabel = "[KID=]FILE",
      description = "Pinned root key instead of --pubkey: indexes must be signed by a key of the app's key set (apps/<app>/keys.cose) valid now (repeatable).")
  List<String> trustRoots = new java.util.ArrayList<>();

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

  @Option(names = "--codepush-deployment", paramLabel = "KEY=APP/PLATFORM/CHANNEL",
      description = "Serve the CodePush acquisition API: this react-native-code-push deployment key reads that channel (repeatable).")
  List<String> codePushDeployments = new ArrayList<>();

  @Option(names = "--codepush-deployments", paramLabel = "FILE",
      description = "A file of KEY=APP/PLATFORM/CHANNEL lines ('#' comments), e.g. mounted from a Secret.")
  Path codePushDeploymentsFile;

  @Option(names = "--codepush-download-base", paramLabel = "URL",
      description = "Base URL of CodePush download URLs (a CDN in front of the store); default: this server, as the request names it (directory stores only).")
  String codePushDownloadBase;

  private final CountDownLatch stop;

  ServeCommand() {
    this(new CountDownLatch(1));
  }

  /** @param stop opened to stop the server (tests); otherwise only a JVM shutdown stops it */
  ServeCommand(CountDownLatch stop) {
    this.stop = stop;
  }

  /** Checked before anything starts; a bad spec names its position, never its key. */
  private Optional<CodePushSettings> codePushSettings() {
    DeploymentKeys deployments;
    try {
      deployments = DeploymentKeys.parse(codePushDeployments);
      if (codePushDeploymentsFile != null) {
        deployments = deployments.and(DeploymentKeys.read(codePushDeploymentsFile));
      }
    } catch (IllegalArgumentException e) {
      throw new Cli.UsageError("--codepush-deployment: " + e.getMessage());
    } catch (java.io.IOException e) {
      throw new Cli.UsageError("--codepush-deployments " + codePushDeploymentsFile + " cannot be read: " + e.getMessage());
    }
    if (deployments.isEmpty()) {
      if (codePushDownloadBase != null) {
        throw new Cli.UsageError("--codepush-download-base needs at least one --codepush-deployment");
      }
      return Optional.empty();
    }
    try {
      return Optional.of(new CodePushSettings(deployments, Optional.ofNullable(codePushDownloadBase)));
    } catch (IllegalArgumentException e) {
      throw new Cli.UsageError("--codepush-download-base: " + e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65_535) {
      throw new Cli.UsageError("--port must be 0-65535, got " + port);
    }
    if (pubkeys.isEmpty() == trustRoots.isEmpty()) {
      throw new Cli.UsageError("give --pubkey (signing keys) or --trust-root (key set roots), not both or neither");
    }
    var keys = PublicKeyFiles.read(pubkeys.isEmpty() ? trustRoots : pubkeys);
    Optional<CodePushSettings> codePush = codePushSettings();
    ArtifactStore target = store.open();
    if (codePush.isPresent() && codePush.get().downloadBase().isEmpty() && !(target instanceof com.kivyx.ota.store.DirectoryStore)) {
      target.close();
      throw new Cli.UsageError("--codepush-download-base is required with an S3 store: this server serves only a directory store's blobs");
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println("  loading channels from " + (kubernetes ? "Kubernetes Channels, manifests from " : "") + target.describe() + " (" + (pubkeys.isEmpty() ? "key set roots: " : "keys: ") + String.join(", ", keys.keySet()) + ")");
    err.flush();
    KubernetesClient client = kubernetes ? KubeClients.builder().build() : null;
    ServerRunner.Trust trust = pubkeys.isEmpty() ? ServerRunner.roots(target, keys) : ServerRunner.pinned(keys);
    ManifestServer server = kubernetes
        ? ServerRunner.startOnKubernetes(target, trust, host, port, client, Optional.ofNullable(namespace), codePush)
        : ServerRunner.start(target, trust, host, port, pollInterval, codePush);
    int channels = server.source().snapshot().map(s -> s.channels().size()).orElse(0);
    err.println("  serving " + channels + " channel(s) on http://" + host + ":" + server.port() + " (Ctrl-C stops)");
    codePush.ifPresent(c -> err.println("  CodePush acquisition API at /v0.1/public/codepush/: " + c.deployments()));
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
