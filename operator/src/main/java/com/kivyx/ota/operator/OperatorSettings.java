package com.kivyx.ota.operator;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * How to run the operator.
 *
 * @param leaderElection empty runs without a Lease (one replica only)
 * @param healthPort port of /healthz, /readyz and /metrics; 0 picks a free one, negative serves none
 * @param workDir where release files are fetched to before they are stored
 * @param deltas whether to make kvxd1 deltas when publishing
 * @param watchNamespaces the namespaces to reconcile; empty: all namespaces (needs cluster-wide
 *     RBAC, where a set of namespaces can do with a Role in each)
 * @param prometheusUrl the Prometheus that scrapes every manifest server: the crash guardrail's
 *     data; empty: analysis gates wait for a promote and nothing is halted
 */
public record OperatorSettings(
    Optional<LeaderElection> leaderElection, int healthPort, Path workDir, boolean deltas, Set<String> watchNamespaces, Optional<URI> prometheusUrl) {

  public OperatorSettings {
    watchNamespaces = Set.copyOf(watchNamespaces);
  }

  /** Without a guardrail. */
  public OperatorSettings(Optional<LeaderElection> leaderElection, int healthPort, Path workDir, boolean deltas, Set<String> watchNamespaces) {
    this(leaderElection, healthPort, workDir, deltas, watchNamespaces, Optional.empty());
  }

  /** Watches all namespaces. */
  public OperatorSettings(Optional<LeaderElection> leaderElection, int healthPort, Path workDir, boolean deltas) {
    this(leaderElection, healthPort, workDir, deltas, Set.of());
  }

  /**
   * @param identity this instance's name in the Lease (the pod name in a cluster)
   * @param leaseDuration how long a leader holds the Lease without renewing it
   * @param exitOnStopLeading exit the process when leadership is lost (in a pod: restart clean)
   */
  public record LeaderElection(String namespace, String identity, Duration leaseDuration, boolean exitOnStopLeading) {
    public static final String LEASE_NAME = "kivyx-ota-operator";
  }
}
