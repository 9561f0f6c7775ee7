package com.kivyx.ota.cli;

import com.kivyx.ota.dashboard.metrics.ScrapedMetrics;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseStatus;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.dashboard.DashboardServer;
import com.kivyx.ota.dashboard.DashboardSettings;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.KubeRolloutSource;
import com.kivyx.ota.dashboard.kube.RolloutActions;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.operator.KivyxOperator;
import com.kivyx.ota.operator.OperatorSettings;
import com.kivyx.ota.rollout.Buckets;
import com.kivyx.ota.server.ManifestServer;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.store.DirectoryStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code kivyx-ota demo --kubernetes}: the first ten minutes on a real cluster (kind, minikube,
 * k3d, whatever the kubeconfig names). Installs the CRDs, keeps the signing key in the Secret
 * the example Channel names, serves the example Releases' files itself, runs the operator and
 * the manifest server in this process, and applies {@code examples/} as written, so a newcomer
 * sees Releases publish and a stepped Rollout start instead of Releases that end Failed.
 */
final class KubernetesDemo {
  static final List<String> CRDS = List.of("channels.ota.kivyx.com-v1.yml", "releases.ota.kivyx.com-v1.yml", "rollouts.ota.kivyx.com-v1.yml");
  /** What {@code examples/channel.yaml} names. */
  static final String SIGNING_SECRET = "ota-signing";
  static final String KID = "prod-v1";
  static final String EXAMPLES_STORE = "/tmp/kivyx-ota-store";
  static final String APP = "com.example.app";
  private static final Duration CONVERGE = Duration.ofMinutes(3);

  /**
   * @param storeDir the directory store the Channel writes and the server reads; when it is not
   *     {@value #EXAMPLES_STORE}, the applied Channel names it instead
   * @param bundlesPort where the example files are served; when it is not the examples' port,
   *     the applied Releases name it instead
   */
  record Settings(String namespace, Path storeDir, String host, int port, int bundlesPort, Path workDir, int dashboardPort) {}

  /** {@code demo --kubernetes} and what only it takes. */
  static final class Options {
    @Option(names = "--kubernetes", required = true,
        description = "Run the demo on the cluster of your kubeconfig (kind, minikube, k3d): CRDs, operator, examples/, Rollout.")
    boolean kubernetes;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "With --kubernetes: the kubeconfig (default: $KUBECONFIG or ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--namespace", paramLabel = "NS", description = "With --kubernetes: where the examples go (default: ${DEFAULT-VALUE}).")
    String namespace = "ota-demo";

    @Option(names = "--store-dir", paramLabel = "DIR", description = "With --kubernetes: the Channel's directory store (default: ${DEFAULT-VALUE}, as examples/channel.yaml names it).")
    Path storeDir = Path.of(EXAMPLES_STORE);

    @Option(names = "--bundles-port", paramLabel = "PORT", description = "With --kubernetes: where the example Releases' files are served (default: ${DEFAULT-VALUE}, as examples/ name it).")
    int bundlesPort = SampleBuilds.EXAMPLES_PORT;

    /** Checked before anything connects. */
    KubernetesClient connect() throws IOException {
      if (bundlesPort < 0 || bundlesPort > 65_535) {
        throw new Cli.UsageError("--bundles-port must be 0-65535, got " + bundlesPort);
      }
      if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
        throw new Cli.UsageError("--namespace must be a DNS label (lowercase letters, digits, '-'), got " + namespace);
      }
      if (kubeconfig == null) {
        return KubeClients.builder().build();
      }
      if (!Files.isReadable(kubeconfig)) {
        throw new Cli.UsageError("--kubeconfig " + kubeconfig + " cannot be read");
      }
      return KubeClients.builder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
    }
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final ProgressPrinter progress;
  private final PrintWriter out;

  KubernetesDemo(KubernetesClient client, Settings settings, ProgressPrinter progress, PrintWriter out) {
    this.client = client;
    this.settings = settings;
    this.progress = progress;
    this.out = out;
  }

  /** Runs until {@code stop} opens or the JVM shuts down. */
  void run(CountDownLatch stop) throws Exception {
    String version = reachable();
    progress.step("Kubernetes " + version + " at " + client.getMasterUrl() + ", namespace " + settings.namespace());
    installCrds();
    ensureNamespace();
    ECPublicKey publicKey = signingKey();
    Files.createDirectories(settings.storeDir());
    try (SampleBuilds builds = sampleBuilds();
        KivyxOperator operator = new KivyxOperator(client,
            new OperatorSettings(Optional.empty(), -1, settings.workDir(), true, Set.of(settings.namespace())), System.getenv(), Clock.systemUTC());
        DirectoryStore store = new DirectoryStore(settings.storeDir())) {
      progress.step("serving the example Releases' files on " + builds.baseUrl());
      operator.start();
      progress.step("operator running (namespace " + settings.namespace() + ")");
      ManifestServer server = ServerRunner.startOnKubernetes(
          store, Map.of(KID, publicKey), settings.host(), settings.port(), client, Optional.of(settings.namespace()), Optional.empty());
      // one at a time, so 1.0.1 finds 1.0.0 published and gets a delta from it
      apply(builds.baseUrl(), "channel.yaml", "release-1-0-0.yaml");
      awaitPublished("app-1-0-0");
      apply(builds.baseUrl(), "release-1-0-1.yaml", "rollout.yaml");
      awaitPublished("app-1-0-1");
      RolloutStatus rollout = await("Rollout app-1-0-1 at its first weight", () -> rollout().filter(s -> s.currentWeight() != null && s.currentWeight() > 0));
      progress.step("Rollout app-1-0-1: " + rollout.phase() + " at " + rollout.currentWeight() + "%, " + rollout.message());
      // the operator has signed the index; ready once this server answers from it too
      ChannelId channel = new ChannelId(APP, Platform.ANDROID, "production");
      String candidate = release("app-1-0-1").orElseThrow().releaseId();
      ChannelRelease served = await("the server to serve " + candidate + " at " + rollout.currentWeight() + "%", () -> server.source().snapshot()
          .flatMap(snapshot -> snapshot.channel(channel))
          .flatMap(c -> c.index().releases().stream()
              .filter(r -> r.releaseId().equals(candidate) && r.rollout().weight() == rollout.currentWeight() * 100).findFirst()));
      // the dashboard on the same resources; its buttons act as the kubeconfig's user (local use, like kubectl)
      KubeRolloutSource rollouts = new KubeRolloutSource(client, List.of(settings.namespace())).awaitSynced(60);
      RolloutActions actions = new RolloutActions(client.getConfiguration(), RolloutActions.Mode.OWN_IDENTITY);
      DashboardServer dashboard;
      try {
        dashboard = DashboardServer.start(new DashboardSettings(settings.host(), settings.dashboardPort(), "http://" + settings.host() + ":" + server.port()),
            new StoreCatalog(store, Map.of(KID, publicKey), Clock.systemUTC()), rollouts, Optional.of(actions),
            // the demo's own device server: its release pages total the events devices sent it
            new ScrapedMetrics(List.of(URI.create("http://" + settings.host() + ":" + server.port() + "/metrics")), Duration.ofSeconds(5)));
      } catch (RuntimeException e) {
        server.close();
        actions.close();
        rollouts.close();
        throw new Cli.UsageError(e.getMessage() + " (--dashboard-port)");
      }
      printInstructions("http://" + settings.host() + ":" + server.port(), served);
      String dashboardUrl = "http://" + settings.host() + ":" + dashboard.port() + "/";
      out.println("Dashboard: " + dashboardUrl + "  (the Rollout: " + dashboardUrl + "namespaces/" + settings.namespace() + "/rollouts/app-1-0-1)");
      out.flush();
      ServerRunner.runUntilStopped(() -> {
        dashboard.close();
        actions.close();
        rollouts.close();
        server.close();
      }, stop);
    }
  }

  private SampleBuilds sampleBuilds() throws IOException {
    try {
      return new SampleBuilds(settings.bundlesPort());
    } catch (java.net.BindException e) {
      throw new Cli.UsageError("port " + settings.bundlesPort() + " for the example Releases' files is taken: stop what uses it,"
          + " or pass --bundles-port 0 (the Releases applied then name the port picked)");
    }
  }

  private String reachable() {
    try {
      return client.getKubernetesVersion().getGitVersion();
    } catch (KubernetesClientException e) {
      throw new Cli.UsageError("no Kubernetes API at " + client.getMasterUrl() + " (" + rootMessage(e)
          + "): start a cluster (kind create cluster, minikube start, k3d cluster create) or point KUBECONFIG at one");
    }
  }

  private void installCrds() throws IOException {
    for (String name : CRDS) {
      try (InputStream in = resource("demo/crds/" + name)) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
        client.resource(crd).forceConflicts().serverSideApply();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).waitUntilCondition(
            c -> c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())), 60, TimeUnit.SECONDS);
      }
    }
    progress.step("CRDs installed: Channel, Release, Rollout (ota.kivyx.com/v1alpha1)");
  }

  private void ensureNamespace() {
    if (client.namespaces().withName(settings.namespace()).get() == null) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(settings.namespace()).endMetadata().build()).create();
      progress.step("created namespace " + settings.namespace());
    }
  }

  /** The key in the Secret the example Channel names: reused when it is there, generated once otherwise. */
  private ECPublicKey signingKey() throws Exception {
    Secret existing = client.secrets().inNamespace(settings.namespace()).withName(SIGNING_SECRET).get();
    if (existing != null && existing.getData() != null && existing.getData().containsKey("key.pem")) {
      String pem = new String(Base64.getDecoder().decode(existing.getData().get("key.pem")), StandardCharsets.US_ASCII);
      progress.step("reusing the signing key in Secret " + SIGNING_SECRET);
      return PemKeys.publicKeyOf(PemKeys.privateKey(pem));
    }
    KeyPair pair = P256.newKeyPair();
    client.resource(new SecretBuilder().withNewMetadata().withName(SIGNING_SECRET).withNamespace(settings.namespace()).endMetadata()
        .addToStringData("key.pem", PemKeys.privateKeyPem((ECPrivateKey) pair.getPrivate())).build()).create();
    progress.step("generated a signing key into Secret " + SIGNING_SECRET + " (kid " + KID + ")");
    return (ECPublicKey) pair.getPublic();
  }

  private void apply(String baseUrl, String... names) throws IOException {
    for (String name : names) {
      String yaml;
      try (InputStream in = resource("demo/examples/" + name)) {
        yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8)
            .replace(SampleBuilds.EXAMPLES_BASE, baseUrl)
            .replace("directory: " + EXAMPLES_STORE, "directory: " + settings.storeDir().toAbsolutePath());
      }
      for (HasMetadata resource : client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
        var existing = client.resource(resource).inNamespace(settings.namespace());
        if (resource.getKind().equals("Release") && existing.get() != null) {
          // a Release is immutable: one from an earlier run stays as it was published
          progress.step("Release " + resource.getMetadata().getName() + " exists: kept as it is");
          continue;
        }
        existing.forceConflicts().serverSideApply();
      }
    }
    progress.step("applied examples/" + String.join(", examples/", names));
  }

  private void awaitPublished(String name) {
    ReleaseStatus status = await("Release " + name + " Published", () -> release(name).filter(s -> {
      if (s.phase() == ReleaseStatus.Phase.FAILED) {
        throw new IllegalStateException("Release " + name + " failed: " + s.message());
      }
      return s.phase() == ReleaseStatus.Phase.PUBLISHED;
    }));
    progress.step("Release " + name + " published: " + status.releaseId() + ", manifest " + status.manifestUrl());
  }

  private Optional<ReleaseStatus> release(String name) {
    return Optional.ofNullable(client.resources(Release.class).inNamespace(settings.namespace()).withName(name).get()).map(Release::getStatus);
  }

  private Optional<RolloutStatus> rollout() {
    return Optional.ofNullable(client.resources(Rollout.class).inNamespace(settings.namespace()).withName("app-1-0-1").get()).map(Rollout::getStatus);
  }

  /** Polls until {@code reached} gives a value: the API server is the truth, and this is a demo, not a controller. */
  private <T> T await(String what, Supplier<Optional<T>> reached) {
    Instant deadline = Instant.now().plus(CONVERGE);
    for (Optional<T> value = reached.get(); ; value = reached.get()) {
      if (value.isPresent()) {
        return value.get();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("timed out after " + CONVERGE.toMinutes() + " min waiting for " + what
            + "; see kubectl -n " + settings.namespace() + " describe releases,rollouts,channels");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  /** @param candidate the Rollout's release as the index offers it: which devices its weight reaches */
  private void printInstructions(String base, ChannelRelease candidate) {
    String ns = settings.namespace();
    String channel = base + "/v1/apps/" + APP + "/android/channels/production";
    out.println();
    out.println("Kivyx OTA on Kubernetes: operator and manifest server running here, against " + client.getMasterUrl());
    out.println("  kubectl -n " + ns + " get channels,releases,rollouts");
    out.println("  # a device in the Rollout's first " + candidate.rollout().weight() / 100 + "% (rnVersion matches its targeting) is offered "
        + candidate.releaseId() + ", one outside it nothing yet:");
    out.println("  curl -s '" + channel + "/update?deviceId=" + device(candidate, true) + "&runtimeVersion=1.0.0&rnVersion=0.76.0'");
    out.println("  curl -s '" + channel + "/update?deviceId=" + device(candidate, false) + "&runtimeVersion=1.0.0&rnVersion=0.76.0'");
    out.println("  # move the Rollout on, or abort it:");
    out.println("  kubectl -n " + ns + " annotate rollout app-1-0-1 ota.kivyx.com/promote=3 --overwrite");
    out.println("  kubectl -n " + ns + " annotate rollout app-1-0-1 ota.kivyx.com/abort=true   # GitOps-safe; or spec.abort: true");
    out.println("  # edit examples/ and kubectl -n " + ns + " apply -f examples/: the operator here reconciles them");
    out.println("Ctrl-C stops the operator, the server and the dashboard (the resources stay in the cluster).");
    out.flush();
  }

  /** The first device-N whose bucket the release's weight does (or does not) reach. */
  private static String device(ChannelRelease release, boolean reached) {
    for (int i = 1; ; i++) {
      if ((Buckets.bucket(release.rollout().id(), "device-" + i) < release.rollout().weight()) == reached) {
        return "device-" + i;
      }
    }
  }

  private static InputStream resource(String name) {
    InputStream in = KubernetesDemo.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new UncheckedIOException(new IOException(name + " is missing from the jar; rebuild it with ./mvnw -pl cli -am package"));
    }
    return in;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
