package com.kivyx.ota.cli;

import com.kivyx.ota.operator.KivyxOperator;
import com.kivyx.ota.operator.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kivyx-ota operator}: reconcile Release, Channel and Rollout resources until stopped. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Kubernetes operator (in-cluster config, or KUBECONFIG outside a cluster). Signing keys and store",
      "credentials come from the Secrets a Channel names, or from this process's AWS environment."
    })
final class OperatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--lease-namespace", paramLabel = "NS", description = "Namespace of the leader-election Lease (default: $POD_NAMESPACE; none: no leader election).")
  String leaseNamespace = System.getenv("POD_NAMESPACE");

  @Option(names = "--identity", paramLabel = "NAME", description = "This replica's name in the Lease (default: $HOSTNAME, the pod name).")
  String identity = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("kivyx-ota-operator");

  @Option(names = "--health-port", paramLabel = "PORT", description = "Port of /healthz, /readyz and /metrics (default: 8081).")
  int healthPort = 8081;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Scratch space for release files being published (default: a temp dir).")
  Path workDir;

  @Option(names = "--no-deltas", description = "Publish releases without kvxd1 deltas.")
  boolean noDeltas;

  @Option(names = "--watch-namespaces", paramLabel = "NS[,NS...]", split = ",",
      description = "Reconcile only these namespaces (default: all; a Role in each listed namespace is then enough).")
  List<String> watchNamespaces = new ArrayList<>();

  @Option(names = "--prometheus-url", paramLabel = "URL",
      description = "Prometheus (or a compatible API) that scrapes every manifest server: the crash guardrail's data (default: none; analysis gates then wait for a promote).")
  URI prometheusUrl;

  @Override
  public Integer call() throws Exception {
    if (prometheusUrl != null && !("http".equals(prometheusUrl.getScheme()) || "https".equals(prometheusUrl.getScheme()))) {
      throw new Cli.UsageError("--prometheus-url must be an http(s) URL like http://prometheus:9090, got " + prometheusUrl);
    }
    Path work = workDir != null ? workDir : java.nio.file.Files.createTempDirectory("kivyx-ota-operator-");
    Optional<OperatorSettings.LeaderElection> election = Optional.ofNullable(leaseNamespace).filter(ns -> !ns.isBlank())
        .map(ns -> new OperatorSettings.LeaderElection(ns, identity, Duration.ofSeconds(15), true));
    CountDownLatch stopped = new CountDownLatch(1);
    try (KubernetesClient client = KubeClients.builder().build();
        KivyxOperator operator = new KivyxOperator(client, new OperatorSettings(election, healthPort, work, !noDeltas, Set.copyOf(watchNamespaces),
            Optional.ofNullable(prometheusUrl)), System.getenv(), Clock.systemUTC())) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "kivyx-ota-operator-shutdown"));
      spec.commandLine().getErr().println("kivyx-ota operator: watching " + client.getMasterUrl()
          + (watchNamespaces.isEmpty() ? " (all namespaces)" : " (namespaces " + String.join(", ", watchNamespaces) + ")")
          + (election.isPresent() ? " with leader election in " + leaseNamespace + " as " + identity : " without leader election (one replica only)")
          + "; health and metrics on port " + operator.healthPort()
          + (prometheusUrl == null ? "; no crash guardrail (no --prometheus-url)" : "; crash guardrail data from " + prometheusUrl));
      spec.commandLine().getErr().flush();
      operator.start();
      stopped.await();
    }
    return 0;
  }
}
