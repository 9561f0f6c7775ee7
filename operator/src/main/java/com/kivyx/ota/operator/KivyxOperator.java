package com.kivyx.ota.operator;

import com.kivyx.ota.delta.DeltaBudget;
import com.kivyx.ota.prometheus.PrometheusClient;
import com.kivyx.ota.prometheus.PrometheusTrials;
import com.kivyx.ota.publish.Kvxd1DeltaMaker;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator: three reconcilers, leader election on a Lease, metrics and health endpoints. */
public final class KivyxOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KivyxOperator.class);

  private static final java.time.Duration PROMETHEUS_TIMEOUT = java.time.Duration.ofSeconds(20);

  private final Operator operator;
  private final HealthServer health;

  public KivyxOperator(KubernetesClient client, OperatorSettings settings, Map<String, String> environment, Clock clock) throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    operator = new Operator(o -> {
      o.withKubernetesClient(client).withCloseClientOnStop(false).withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
      settings.leaderElection().ifPresent(election -> o.withLeaderElectionConfiguration(
          LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(OperatorSettings.LeaderElection.LEASE_NAME)
              .withLeaseNamespace(election.namespace())
              .withIdentity(election.identity())
              .withLeaseDuration(election.leaseDuration())
              .withRenewDeadline(election.leaseDuration().multipliedBy(2).dividedBy(3))
              .withRetryPeriod(election.leaseDuration().dividedBy(5))
              .withExitOnStopLeading(election.exitOnStopLeading())
              .build()));
    });
    EventRecorder events = new EventRecorder(client);
    ChannelBackends backends = new ChannelBackends(client, environment);
    operator.register(new ReleaseReconciler(backends,
        settings.deltas() ? Optional.of(new Kvxd1DeltaMaker(DeltaBudget.DEFAULT)) : Optional.empty(), settings.workDir(), clock, events),
        o -> namespaces(o, settings));
    Optional<TrialSource> trials = settings.prometheusUrl()
        .map(url -> new PrometheusTrials(new PrometheusClient(url, PROMETHEUS_TIMEOUT))::since);
    operator.register(new RolloutReconciler(clock, events, trials), o -> namespaces(o, settings));
    operator.register(new ChannelReconciler(backends, clock, events), o -> namespaces(o, settings));
    health = settings.healthPort() < 0 ? null
        : new HealthServer(settings.healthPort(), () -> operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy(), registry);
  }

  /** Limits a controller (and its informers, which follow it) to the configured namespaces. */
  private static void namespaces(ControllerConfigurationOverrider<?> overrider, OperatorSettings settings) {
    if (!settings.watchNamespaces().isEmpty()) {
      overrider.settingNamespaces(settings.watchNamespaces());
    }
  }

  public void start() {
    operator.start();
    LOG.info("operator started{}", health == null ? "" : "; health and metrics on port " + health.port());
  }

  /** Port of the health and metrics server, for tests. */
  public int healthPort() {
    return health == null ? -1 : health.port();
  }

  @Override
  public void close() {
    operator.stop();
    if (health != null) {
      health.close();
    }
  }
}
