package com.kivyx.ota.server;

import com.kivyx.ota.verify.DocumentRejectedException;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelStatus;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.StoredObject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channels from Kubernetes: an informer on Channel resources hands the signed index in each
 * Channel's status to {@link SnapshotBuilder} (so nothing unverified is served), reading the
 * manifests it names from the store the operator publishes to. The server needs no write
 * access to anything: it only reads Channels.
 */
public final class KubernetesChannelSource implements ChannelSource {
  private static final Logger log = LoggerFactory.getLogger(KubernetesChannelSource.class);
  private static final Duration RESYNC = Duration.ofMinutes(1);

  private final KubernetesClient client;
  private final Optional<String> namespace;
  private final ArtifactStore manifests;
  private final SnapshotBuilder builder;
  private final SourceListener listener;
  private final Clock clock;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();
  private final Map<ChannelId, ChannelSnapshot> channels = new HashMap<>();
  private SharedIndexInformer<Channel> informer;

  /** @param namespace the namespace to watch; empty watches all namespaces */
  public KubernetesChannelSource(
      KubernetesClient client, Optional<String> namespace, ArtifactStore manifests, SnapshotBuilder builder, SourceListener listener, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.manifests = manifests;
    this.builder = builder;
    this.listener = listener;
    this.clock = clock;
  }

  @Override
  public void start() {
    var resources = client.resources(Channel.class);
    informer = (namespace.isPresent() ? resources.inNamespace(namespace.get()) : resources.inAnyNamespace())
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Channel channel) {
            load(channel);
          }

          @Override
          public void onUpdate(Channel old, Channel channel) {
            load(channel);
          }

          @Override
          public void onDelete(Channel channel, boolean finalStateUnknown) {
            // Keep serving what was verified: devices still need an answer, and the index expires.
            log.warn("Channel {}/{} was deleted; still serving its last index until it expires",
                channel.getMetadata().getNamespace(), channel.getMetadata().getName());
          }
        }, RESYNC.toMillis());
    try {
      informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      listener.failed();
      log.warn("cannot list Channels yet ({}); not ready until the informer syncs", e.getMessage());
      return;
    }
    synchronized (this) {
      if (current.get() == null) {
        swap();
      }
    }
  }

  private synchronized void load(Channel channel) {
    ChannelStatus status = channel.getStatus();
    if (status == null || status.platforms() == null) {
      return;
    }
    boolean changed = false;
    for (ChannelStatus.PlatformIndex platform : status.platforms()) {
      if (platform.index() == null) {
        continue;
      }
      ChannelId key = new ChannelId(channel.getSpec().appId(), Platform.of(platform.platform()), channel.channelName());
      Optional<ChannelSnapshot> previous = Optional.ofNullable(channels.get(key));
      try {
        byte[] cose = Base64.getDecoder().decode(platform.index());
        ChannelSnapshot next = builder.build(key, cose, previous, url -> manifests.read(url).map(StoredObject::bytes));
        if (previous.isPresent() && next == previous.get()) {
          continue;
        }
        channels.put(key, next);
        listener.accepted(key, next.index().version());
        log.info("{}: serving index version {} from Channel {}/{}", key, next.index().version(),
            channel.getMetadata().getNamespace(), channel.getMetadata().getName());
        changed = true;
      } catch (DocumentRejectedException e) {
        listener.rejected(key, e.reason());
        log.warn("{}: index in Channel {}/{} refused ({}); {}", key, channel.getMetadata().getNamespace(),
            channel.getMetadata().getName(), e.getMessage(), previous.isPresent() ? "still serving the last good one" : "nothing served yet");
      } catch (IllegalArgumentException | com.kivyx.ota.format.InvalidDocumentException | com.kivyx.ota.store.StoreException e) {
        listener.failed();
        log.warn("{}: cannot load the index of Channel {}/{}: {}", key, channel.getMetadata().getNamespace(),
            channel.getMetadata().getName(), e.getMessage());
      }
    }
    if (changed || current.get() == null && informer != null && informer.hasSynced()) {
      swap();
    }
  }

  private void swap() {
    Snapshot next = Snapshot.of(channels, clock.instant());
    current.set(next);
    listener.swapped(next);
  }

  @Override
  public Optional<Snapshot> snapshot() {
    return Optional.ofNullable(current.get());
  }

  @Override
  public String describe() {
    return "Kubernetes Channels (" + namespace.map(ns -> "namespace " + ns).orElse("all namespaces") + ", manifests from " + manifests.describe() + ")";
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
