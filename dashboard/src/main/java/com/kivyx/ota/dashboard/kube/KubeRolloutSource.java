package com.kivyx.ota.dashboard.kube;

import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.format.ChannelId;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Rollouts and Channels from informers (the dashboard's own read-only identity): pages read the
 * cache, never the API server, so a busy dashboard costs the cluster one watch per kind.
 */
public final class KubeRolloutSource implements RolloutSource, AutoCloseable {
  private final KubernetesClient client;
  private final List<SharedIndexInformer<Rollout>> rollouts = new java.util.ArrayList<>();
  private final List<SharedIndexInformer<Channel>> channels = new java.util.ArrayList<>();

  /** @param namespaces the namespaces to watch (Roles there suffice), or empty for all (a ClusterRole) */
  public KubeRolloutSource(KubernetesClient client, List<String> namespaces) {
    this.client = client;
    if (namespaces.isEmpty()) {
      rollouts.add(client.resources(Rollout.class).inAnyNamespace().inform());
      channels.add(client.resources(Channel.class).inAnyNamespace().inform());
    }
    for (String namespace : namespaces) {
      rollouts.add(client.resources(Rollout.class).inNamespace(namespace).inform());
      channels.add(client.resources(Channel.class).inNamespace(namespace).inform());
    }
  }

  /** Waits for the first list, so the first page is not empty. */
  public KubeRolloutSource awaitSynced(long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!(rollouts.stream().allMatch(SharedIndexInformer::hasSynced) && channels.stream().allMatch(SharedIndexInformer::hasSynced))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Rollout and Channel informers did not sync in " + seconds
            + " s; check that the dashboard's identity may list and watch rollouts and channels (ota.kivyx.com)");
      }
      Thread.sleep(50);
    }
    return this;
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public List<RolloutView> rollouts() {
    return rollouts.stream().flatMap(i -> i.getStore().list().stream())
        .sorted(Comparator.comparing((Rollout r) -> r.getMetadata().getNamespace()).thenComparing(r -> r.getMetadata().getName()))
        .map(this::view).toList();
  }

  @Override
  public Optional<RolloutView> rollout(String namespace, String name) {
    String key = Cache.namespaceKeyFunc(namespace, name);
    return rollouts.stream().map(i -> i.getStore().getByKey(key)).filter(java.util.Objects::nonNull).findFirst().map(this::view);
  }

  /** The Rollout's Kubernetes Events, oldest first: the operator writes one per transition. */
  @Override
  public List<RolloutEvent> events(String namespace, String name) {
    return client.v1().events().inNamespace(namespace).withField("involvedObject.name", name).list().getItems().stream()
        .filter(e -> "Rollout".equals(e.getInvolvedObject().getKind()))
        .sorted(Comparator.comparing(KubeRolloutSource::time))
        .map(e -> new RolloutEvent(time(e), e.getType(), e.getReason(), e.getMessage()))
        .toList();
  }

  @Override
  public List<ChannelResource> channels(ChannelId id) {
    return channels.stream().flatMap(i -> i.getStore().list().stream())
        .filter(c -> c.getSpec() != null && id.appId().equals(c.getSpec().appId()) && id.channel().equals(c.channelName())
            && c.getSpec().platforms().stream().anyMatch(p -> p.name().equals(id.platform().id())))
        .sorted(Comparator.comparing((Channel c) -> c.getMetadata().getNamespace()).thenComparing(c -> c.getMetadata().getName()))
        .map(ChannelResource::of).toList();
  }

  private static String time(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
      return e.getEventTime().getTime();
    }
    return e.getMetadata().getCreationTimestamp() == null ? "" : e.getMetadata().getCreationTimestamp();
  }

  private RolloutView view(Rollout rollout) {
    String key = Cache.namespaceKeyFunc(rollout.getMetadata().getNamespace(), rollout.getSpec().channel());
    return RolloutView.of(rollout, channels.stream().map(i -> i.getStore().getByKey(key)).filter(java.util.Objects::nonNull).findFirst());
  }

  @Override
  public void close() {
    rollouts.forEach(SharedIndexInformer::close);
    channels.forEach(SharedIndexInformer::close);
  }
}
