package com.kivyx.ota.operator;

import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelStatus;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.crds.ReleaseStatus;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.format.AttributeRule;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.InvalidDocumentException;
import com.kivyx.ota.format.ManifestRef;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.format.RolloutInfo;
import com.kivyx.ota.format.Targeting;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.ChannelIndexUpdater;
import com.kivyx.ota.publish.IndexUpdate;
import com.kivyx.ota.publish.Progress;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channel → one signed index per platform, rebuilt from the channel's Rollouts (their current
 * weights) and their published Releases, stored by compare-and-swap, copied into the status,
 * and re-signed well before it expires.
 */
@ControllerConfiguration(name = "channel")
public final class ChannelReconciler implements Reconciler<Channel> {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelReconciler.class);
  static final Duration DEFAULT_TTL = Duration.ofDays(7);

  private final ChannelBackends backends;
  private final Clock clock;
  private final EventRecorder events;
  private final ChannelKeyTrust keyTrust = new ChannelKeyTrust();

  ChannelReconciler(ChannelBackends backends, Clock clock, EventRecorder events) {
    this.backends = backends;
    this.clock = clock;
    this.events = events;
  }

  @Override
  public List<EventSource<?, Channel>> prepareEventSources(EventSourceContext<Channel> context) {
    // Any change of a Rollout (a new weight, an abort) rebuilds the index of its channel.
    InformerEventSource<Rollout, Channel> rollouts = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Rollout.class, Channel.class)
            .withSecondaryToPrimaryMapper(r -> Set.of(new ResourceID(r.getSpec().channel(), r.getMetadata().getNamespace())))
            .build(),
        context);
    // A Release that gets published wakes the Channels of the Rollouts naming it; a Channel reads
    // its Releases from this cache (through its Rollouts), never from the API server.
    InformerEventSource<Release, Channel> releases = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Release.class, Channel.class)
            .withSecondaryToPrimaryMapper(release -> rollouts
                .list(release.getMetadata().getNamespace(), r -> r.getSpec().release().equals(release.getMetadata().getName()))
                .map(r -> new ResourceID(r.getSpec().channel(), r.getMetadata().getNamespace()))
                .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper((Channel c) -> rollouts
                .list(c.getMetadata().getNamespace(), r -> r.getSpec().channel().equals(c.getMetadata().getName()))
                .map(r -> new ResourceID(r.getSpec().release(), r.getMetadata().getNamespace()))
                .collect(Collectors.toSet()))
            .build(),
        context);
    return List.of(rollouts, releases);
  }

  @Override
  public UpdateControl<Channel> reconcile(Channel channel, Context<Channel> context) throws Exception {
    String namespace = channel.getMetadata().getNamespace();
    Duration ttl = channel.getSpec().indexTtl() == null ? DEFAULT_TTL : RolloutSteps.parse(channel.getSpec().indexTtl());
    List<String> problems = new ArrayList<>();
    List<ChannelStatus.PlatformIndex> indexes = new ArrayList<>();
    Instant now = clock.instant();
    Duration nextCheck = ttl.dividedBy(2);
    Map<String, Release> releases = context.getSecondaryResources(Release.class).stream()
        .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> r));
    try (ChannelBackend backend = backends.open(channel)) {
      Progress progress = message -> LOG.info("{}/{}: {}", namespace, channel.getMetadata().getName(), message);
      // A key change converges: the index the old key signed is built upon, live manifests are re-signed.
      ChannelKeyTrust.Plan keys = keyTrust.plan(channel, backend.store(), backend.signer(), now);
      ChannelIndexUpdater updater = new ChannelIndexUpdater(backend.store(), backend.signer(), keys.buildUpon(), clock, ttl, progress);
      for (ReleaseSpec.Platform platformName : channel.getSpec().platforms()) {
        ChannelId id = new ChannelId(channel.getSpec().appId(), Platform.of(platformName.name()), channel.channelName());
        List<ChannelRelease> entries = new ArrayList<>();
        for (Rollout rollout : context.getSecondaryResources(Rollout.class)) {
          entry(channel, platformName, rollout, releases.get(rollout.getSpec().release()), backend, problems)
              .map(e -> keys.resign() ? keyTrust.resign(backend.store(), backend.signer(), e, progress) : e)
              .ifPresent(entries::add);
        }
        List<String> revoked = HaltRevocations.of(context.getSecondaryResources(Rollout.class), platformName, releases::get);
        IndexUpdate update = updater.apply(id, HaltRevocations.then(ChannelChange.replaceAll(entries), revoked));
        // Re-sign once half the lifetime has passed, so devices never meet an expired index.
        Instant refreshAt = update.index().issuedAtInstant().plus(ttl.dividedBy(2));
        if (!now.isBefore(refreshAt)) {
          update = updater.apply(id, ChannelChange.refresh());
          refreshAt = update.index().issuedAtInstant().plus(ttl.dividedBy(2));
        }
        Duration untilRefresh = Duration.between(now, refreshAt);
        if (untilRefresh.compareTo(nextCheck) < 0) {
          nextCheck = untilRefresh.isNegative() ? Duration.ofSeconds(1) : untilRefresh;
        }
        indexes.add(new ChannelStatus.PlatformIndex(id.platform().id(), update.index().version(), update.sha256(), update.index().issuedAt(),
            update.index().expiresAt(), update.index().releases().size(), Base64.getEncoder().encodeToString(update.cose())));
      }
    }
    ChannelStatus old = channel.getStatus();
    long generation = channel.getMetadata().getGeneration();
    String message = problems.isEmpty() ? "index signed" : String.join("; ", problems);
    ChannelStatus status = new ChannelStatus(indexes, generation, message,
        Conditions.set(old == null ? null : old.conditions(), "Ready", problems.isEmpty(), problems.isEmpty() ? "IndexSigned" : "RolloutsSkipped",
            message, generation, now));
    if (status.equals(old)) {
      return UpdateControl.<Channel>noUpdate().rescheduleAfter(nextCheck); // nothing to write
    }
    channel.setStatus(status);
    if (old == null || !indexes.equals(old.platforms())) {
      events.record(channel, problems.isEmpty() ? EventRecorder.NORMAL : EventRecorder.WARNING, "IndexSigned",
          indexes.stream().map(i -> i.platform() + " v" + i.indexVersion() + " (" + i.releases() + " release(s))").toList() + (problems.isEmpty() ? "" : "; " + message));
    }
    return UpdateControl.patchStatus(channel).rescheduleAfter(nextCheck);
  }

  @Override
  public ErrorStatusUpdateControl<Channel> updateErrorStatus(Channel channel, Context<Channel> context, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    ChannelStatus old = channel.getStatus();
    long generation = channel.getMetadata().getGeneration();
    channel.setStatus(new ChannelStatus(old == null ? null : old.platforms(), old == null ? null : old.observedGeneration(), message,
        Conditions.set(old == null ? null : old.conditions(), "Ready", false, "IndexFailed", message, generation, clock.instant())));
    events.record(channel, EventRecorder.WARNING, "IndexFailed", message);
    return ErrorStatusUpdateControl.patchStatus(channel);
  }

  /** The index entry of one Rollout, or empty (with a problem noted) when it cannot be offered. */
  private java.util.Optional<ChannelRelease> entry(Channel channel, ReleaseSpec.Platform platform, Rollout rollout, Release release,
      ChannelBackend backend, List<String> problems) {
    RolloutStatus status = rollout.getStatus();
    if (status == null || status.currentWeight() == null || status.currentWeight() == 0
        || RolloutStatus.ABORTED.equals(status.phase()) || rollout.abortRequested()) {
      return java.util.Optional.empty();
    }
    if (release == null || release.getStatus() == null || !release.getStatus().isPublished()) {
      return java.util.Optional.empty();
    }
    ReleaseSpec spec = release.getSpec();
    if (spec.platform() != platform) {
      return java.util.Optional.empty();
    }
    String name = rollout.getMetadata().getName();
    if (!spec.appId().equals(channel.getSpec().appId())) {
      problems.add("Rollout " + name + ": Release " + release.getMetadata().getName() + " is for app " + spec.appId());
      return java.util.Optional.empty();
    }
    ReleaseStatus published = release.getStatus();
    // The store a Release went into is in its status; a Release published before that field
    // existed is checked in the store itself.
    boolean sameStore = published.store() != null
        ? published.store().equals(backend.store().describe())
        : backend.store().exists(published.manifestUrl());
    if (!sameStore) {
      problems.add("Rollout " + name + ": Release " + release.getMetadata().getName()
          + " was published into another store; publish it through a Channel that uses this store");
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(new ChannelRelease(
          release.getMetadata().getName(),
          spec.versionCode(),
          spec.runtimeVersion(),
          new ManifestRef(published.manifestUrl(), published.manifestSha256(), published.manifestSize()),
          new RolloutInfo(rollout.getMetadata().getUid(), status.currentWeight() * 100, Boolean.TRUE.equals(rollout.getSpec().mandatory()),
              targeting(rollout.getSpec().targeting())),
          logEntry(published.transparency())));
    } catch (InvalidDocumentException e) {
      problems.add("Rollout " + name + ": " + e.getMessage());
      return java.util.Optional.empty();
    }
  }

  private static com.kivyx.ota.format.LogEntryRef logEntry(ReleaseStatus.Transparency t) {
    return t == null ? null : new com.kivyx.ota.format.LogEntryRef(t.url(), t.sha256(), t.size(), t.origin(), t.logIndex());
  }

  private static Targeting targeting(RolloutSpec.TargetingSpec spec) {
    if (spec == null) {
      return null;
    }
    List<AttributeRule> rules = spec.attributes() == null ? null
        : spec.attributes().stream().map(a -> new AttributeRule(a.attribute(), a.op(), a.values(), a.value())).toList();
    return new Targeting(spec.rnVersion(), spec.arch(), rules);
  }
}
