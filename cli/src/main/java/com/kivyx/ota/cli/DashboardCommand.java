package com.kivyx.ota.cli;

import com.kivyx.ota.dashboard.DashboardServer;
import com.kivyx.ota.dashboard.DashboardSettings;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.KubeRolloutSource;
import com.kivyx.ota.dashboard.kube.ProxyHeaders;
import com.kivyx.ota.dashboard.kube.RolloutActions;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.dashboard.writes.ChannelWrites;
import com.kivyx.ota.dashboard.metrics.MetricsSource;
import com.kivyx.ota.dashboard.metrics.PrometheusMetrics;
import com.kivyx.ota.dashboard.metrics.ScrapedMetrics;
import com.kivyx.ota.prometheus.PrometheusClient;
import com.kivyx.ota.store.ArtifactStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kivyx-ota dashboard}: the release engineers' web pages, in their own process. */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the dashboard: every channel's signed index (verified with --pubkey), releases and their deltas, a",
      "Verify button, and 'why not this device?' on the real decision function. With --kubernetes it also shows",
      "Rollouts; with --actions, Promote / Abort / Resume are Kubernetes PATCHes under the user's own identity.",
      "Without Kubernetes it is read-only unless started with --signing-key: then the channel page changes weights,",
      "revokes and re-signs, as 'kivyx-ota rollout' does.",
      "Never expose it to devices: it is a separate process from 'serve'."
    })
final class DashboardCommand implements Callable<Integer> {
  static final int DEFAULT_PORT = 8090;
  private static final java.util.regex.Pattern HEADER_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

  enum Actions { off, token, kubeconfig, impersonate }

  @Spec CommandSpec spec;
  @Mixin StoreOptions store;
  @Mixin DashboardSigningOptions signing;

  @Option(names = "--pubkey", required = true, paramLabel = "[KID=]FILE", description = "Pinned public key: .pub.pem or the JSON of 'keys show' (repeatable).")
  List<String> pubkeys;

  @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
  int port = DEFAULT_PORT;

  @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 in a pod).")
  String host = "127.0.0.1";

  @Option(names = "--device-server-url", paramLabel = "URL",
      description = "The device server's base URL, for the curl lines the explainer prints (default: ${DEFAULT-VALUE}).")
  URI deviceServerUrl = URI.create("http://127.0.0.1:8080");

  @Option(names = "--prometheus-url", paramLabel = "URL",
      description = {"Prometheus (or a compatible API) scraping every device server: the release pages' event funnel and charts",
          "(adoption per release, failed-trial rate against the baseline with the guardrail's limit, events per hour with step markers)."})
  URI prometheusUrl;

  @Option(names = "--metrics-url", paramLabel = "URL",
      description = {"Without Prometheus: a device server replica's /metrics, e.g. http://10.0.0.5:8080/metrics (repeatable, one per",
          "replica). The release pages show totals summed over them, no charts."})
  List<URI> metricsUrls = new java.util.ArrayList<>();

  @Option(names = "--kubernetes", description = "Also read Rollouts and Channels from Kubernetes (in-cluster config or KUBECONFIG).")
  boolean kubernetes;

  @Option(names = "--namespace", paramLabel = "NS", split = ",",
      description = "With --kubernetes: only these namespaces (repeatable or comma-separated; default: all, which needs a ClusterRole).")
  List<String> namespaces = new java.util.ArrayList<>();

  @Option(names = "--actions", paramLabel = "MODE",
      description = {"With --kubernetes, the Rollout buttons: off (read-only, default); token (PATCH with the bearer token a sign-in proxy passes",
          "in Authorization); kubeconfig (PATCH as the kubeconfig's user: local use only, like kubectl); impersonate (a sign-in",
          "proxy names the person in --user-header/--groups-header; the dashboard's ServiceAccount checks a SubjectAccessReview",
          "and PATCHes with Impersonate-User/-Group. The proxy must strip client-sent copies of those headers)."})
  Actions actions = Actions.off;

  @Option(names = "--user-header", paramLabel = "NAME",
      description = "With --actions impersonate: the header naming the signed-in user (default: ${DEFAULT-VALUE}).")
  String userHeader = ProxyHeaders.DEFAULT.userHeader();

  @Option(names = "--groups-header", paramLabel = "NAME",
      description = "With --actions impersonate: the header with the user's groups, comma-separated or repeated (default: ${DEFAULT-VALUE}).")
  String groupsHeader = ProxyHeaders.DEFAULT.groupsHeader();

  private final CountDownLatch stop;

  DashboardCommand() {
    this(new CountDownLatch(1));
  }

  DashboardCommand(CountDownLatch stop) {
    this.stop = stop;
  }

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65_535) {
      throw new Cli.UsageError("--port must be 0-65535, got " + port);
    }
    if (!"http".equals(deviceServerUrl.getScheme()) && !"https".equals(deviceServerUrl.getScheme())) {
      throw new Cli.UsageError("--device-server-url must be an http(s) URL, got " + deviceServerUrl);
    }
    MetricsSource metrics = metricsSource();
    if (!kubernetes && (actions != Actions.off || !namespaces.isEmpty())) {
      throw new Cli.UsageError("--actions and --namespace need --kubernetes");
    }
    if (actions != Actions.impersonate && (!userHeader.equals(ProxyHeaders.DEFAULT.userHeader()) || !groupsHeader.equals(ProxyHeaders.DEFAULT.groupsHeader()))) {
      throw new Cli.UsageError("--user-header and --groups-header need --actions impersonate (other modes never read them)");
    }
    if (!HEADER_NAME.matcher(userHeader).matches() || !HEADER_NAME.matcher(groupsHeader).matches() || userHeader.equalsIgnoreCase(groupsHeader)) {
      throw new Cli.UsageError("--user-header and --groups-header must be two different HTTP header names, got '" + userHeader + "' and '" + groupsHeader + "'");
    }
    signing.validate();
    if (signing.enabled() && kubernetes) {
      throw new Cli.UsageError("--signing-key is for static mode: with --kubernetes the operator signs the indexes; use the Rollout buttons");
    }
    if (signing.enabled() && !java.net.InetAddress.getByName(host).isLoopbackAddress()) {
      throw new Cli.UsageError("--signing-key needs a loopback --host (static mode has no sign-in): reach it with ssh -L or kubectl port-forward, got --host " + host);
    }
    var keys = PublicKeyFiles.read(pubkeys);
    var signer = signing.openSigner();
    if (signer.isPresent() && (keys.get(signer.get().kid()) == null
        || !java.util.Arrays.equals(keys.get(signer.get().kid()).getEncoded(), signer.get().publicKey().getEncoded()))) {
      throw new Cli.UsageError("the --signing-key (kid " + signer.get().kid() + ") is not among the --pubkey keys: devices pinned to those would refuse "
          + "what it signs; pass its public key as --pubkey " + signer.get().kid() + "=FILE, or set --signing-kid to the name it is pinned under");
    }
    PrintWriter err = spec.commandLine().getErr();
    try (ArtifactStore target = store.open()) {
      KubernetesClient client = kubernetes ? KubeClients.builder().build() : null;
      KubeRolloutSource rollouts = kubernetes ? new KubeRolloutSource(client, namespaces).awaitSynced(60) : null;
      RolloutActions writes = switch (actions) {
        case off -> null;
        case token -> new RolloutActions(client.getConfiguration(), RolloutActions.Mode.TOKEN);
        case kubeconfig -> new RolloutActions(client.getConfiguration(), RolloutActions.Mode.OWN_IDENTITY);
        case impersonate -> new RolloutActions(client.getConfiguration(), RolloutActions.Mode.IMPERSONATE, new ProxyHeaders(userHeader, groupsHeader));
      };
      DashboardServer server = DashboardServer.start(new DashboardSettings(host, port, deviceServerUrl.toString()),
          new StoreCatalog(target, keys, Clock.systemUTC()), rollouts == null ? RolloutSource.none() : rollouts, Optional.ofNullable(writes), metrics,
          signer.map(s -> new ChannelWrites(target, s, keys, Clock.systemUTC(), signing.ttl)));
      err.println("  dashboard on http://" + host + ":" + server.port() + "/ reading " + target.describe()
          + (kubernetes ? " and Kubernetes Rollouts (actions: " + actions + ")" : "")
          + (signer.isPresent() ? "; writes signed with key " + signer.get().kid() : "; read-only") + " (Ctrl-C stops)");
      err.flush();
      try {
        ServerRunner.runUntilStopped(server::close, stop);
      } finally {
        if (writes != null) {
          writes.close();
        }
        if (rollouts != null) {
          rollouts.close();
        }
        if (client != null) {
          client.close();
        }
      }
    }
    return 0;
  }

  /** Where the release pages' device numbers come from; checked before anything starts. */
  private MetricsSource metricsSource() {
    if (prometheusUrl != null && !metricsUrls.isEmpty()) {
      throw new Cli.UsageError("--prometheus-url and --metrics-url are alternatives: Prometheus already sums every replica");
    }
    if (prometheusUrl != null) {
      requireHttp("--prometheus-url", prometheusUrl);
      return new PrometheusMetrics(new PrometheusClient(prometheusUrl, Duration.ofSeconds(10)), Clock.systemUTC());
    }
    if (!metricsUrls.isEmpty()) {
      metricsUrls.forEach(u -> requireHttp("--metrics-url", u));
      return new ScrapedMetrics(metricsUrls, Duration.ofSeconds(5));
    }
    return MetricsSource.none();
  }

  private static void requireHttp(String option, URI url) {
    if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
      throw new Cli.UsageError(option + " must be an http(s) URL with a host, got " + url);
    }
  }
}
