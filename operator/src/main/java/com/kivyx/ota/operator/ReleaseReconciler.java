package com.kivyx.ota.operator;

import com.kivyx.ota.codepush.CodePushOptions;
import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.delta.DeltaBudget;
import com.kivyx.ota.expo.ExpoManifestBuilder;
import com.kivyx.ota.expo.ExpoRelease;
import com.kivyx.ota.expo.ExpoReleasePublisher;
import com.kivyx.ota.crds.FileSourceSpec;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.crds.ReleaseStatus;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.publish.AssetSource;
import com.kivyx.ota.publish.ContentTypes;
import com.kivyx.ota.publish.DeltaMaker;
import com.kivyx.ota.publish.FileSource;
import com.kivyx.ota.publish.PublishedRelease;
import com.kivyx.ota.publish.ReleasePublisher;
import com.kivyx.ota.publish.ReleaseRequest;
import com.kivyx.ota.publish.SourceFetcher;
import com.kivyx.ota.publish.VersionCodeRule;
import com.kivyx.ota.crds.ReleaseStatus.Phase;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Release → the publishing pipeline, into the store of the Channel the Release names. The
 * pipeline is idempotent, so a reconcile that runs again (a restart mid-publish, a retry)
 * converges on the same immutable release.
 */
@ControllerConfiguration(name = "release")
public final class ReleaseReconciler implements Reconciler<Release> {
  private static final Logger LOG = LoggerFactory.getLogger(ReleaseReconciler.class);

  private final ChannelBackends backends;
  private final Optional<DeltaMaker> deltas;
  private final Path workDir;
  private final Clock clock;
  private final EventRecorder events;

  ReleaseReconciler(ChannelBackends backends, Optional<DeltaMaker> deltas, Path workDir, Clock clock, EventRecorder events) {
    this.backends = backends;
    this.deltas = deltas;
    this.workDir = workDir;
    this.clock = clock;
    this.events = events;
  }

  @Override
  public List<EventSource<?, Release>> prepareEventSources(EventSourceContext<Release> context) {
    // A Channel that appears (or changes) wakes the Releases that name it, at once.
    InformerEventSource<Channel, Release> channels = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Channel.class, Release.class)
            .withSecondaryToPrimaryMapper(channel -> context.getPrimaryCache()
                .list(channel.getMetadata().getNamespace(), r -> r.getSpec().channel().equals(channel.getMetadata().getName()))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper((Release r) -> Set.of(new ResourceID(r.getSpec().channel(), r.getMetadata().getNamespace())))
            .build(),
        context);
    return List.of(channels);
  }

  @Override
  public UpdateControl<Release> reconcile(Release release, Context<Release> context) throws Exception {
    ReleaseStatus status = release.getStatus();
    long generation = release.getMetadata().getGeneration();
    if (status != null && status.isPublished() && Long.valueOf(generation).equals(status.observedGeneration())) {
      return UpdateControl.noUpdate();
    }
    ReleaseSpec spec = release.getSpec();
    String namespace = release.getMetadata().getNamespace();
    Optional<Channel> named = context.getSecondaryResource(Channel.class);
    if (named.isEmpty()) {
      // No polling: the Channel informer wakes this Release when the Channel appears.
      ReleaseStatus pending = status(status, Phase.PENDING, "Channel " + spec.channel() + " does not exist yet", generation, false, "ChannelMissing");
      if (Objects.equals(pending, status)) {
        return UpdateControl.noUpdate();
      }
      release.setStatus(pending);
      return UpdateControl.patchStatus(release);
    }
    Channel channel = named.get();
    boolean retry = status != null && status.phase() == Phase.FAILED && Long.valueOf(generation).equals(status.observedGeneration());
    if (!retry && (status == null || status.phase() != Phase.PUBLISHING || !Long.valueOf(generation).equals(status.observedGeneration()))) {
      // Show Publishing first, then do the work in the next round: a long publish is visible.
      // A retry after a failure publishes at once: the status stays Failed, with its reason, until it succeeds.
      String message = "publishing into the store of Channel " + spec.channel();
      events.record(release, EventRecorder.NORMAL, "Publishing", message);
      release.setStatus(status(status, Phase.PUBLISHING, message, generation, false, "Publishing"));
      return UpdateControl.patchStatus(release).rescheduleAfter(Duration.ofMillis(100));
    }
    try (ChannelBackend backend = backends.open(channel)) {
      ReleasePublisher publisher = new ReleasePublisher(
          backend.store(),
          backend.signer(),
          new SourceFetcher(workDir, SourceFetcher.defaultHttpClient(), backend.sourceS3(), 1L << 30),
          deltas,
          VersionCodeRule.UNIQUE, // Releases may be applied in any order (a folder at once)
          clock,
          message -> LOG.info("{}/{}: {}", namespace, release.getMetadata().getName(), message),
          ChannelProvenance.policy(channel));
      PublishedRelease published = publisher.publish(codePush(request(release), channel), attestation(spec, backend));
      var manifest = published.manifest();
      String expoNote = "";
      ChannelSpec.Expo expo = channel.getSpec().expo();
      if (expo != null) {
        // before Published: no Rollout can put the release in an index without its Expo answer
        ExpoRelease expoRelease = new ExpoReleasePublisher(
                backend.store(),
                new ExpoManifestBuilder(expo.assetBaseUrl()),
                backends.expoSigning(channel),
                deltas.map(d -> DeltaBudget.DEFAULT),
                message -> LOG.info("{}/{}: {}", namespace, release.getMetadata().getName(), message))
            .publish(manifest, Optional.empty());
        expoNote = ", Expo update " + expoRelease.updateId();
      }
      release.setStatus(new ReleaseStatus(
          Phase.PUBLISHED,
          release.getMetadata().getName(),
          published.manifestRef().url(),
          published.manifestRef().sha256(),
          published.manifestRef().size(),
          backend.signer().kid(),
          manifest.deltas().stream().map(d -> new ReleaseStatus.DeltaStatus(d.fromSha256(), d.size())).toList(),
          backend.store().describe(),
          "published " + manifest.assets().size() + " asset(s) and " + manifest.deltas().size() + " delta(s)"
              + manifest.codePushPackage().map(p -> ", a CodePush package (hash " + p.packageHash() + ")").orElse("")
              + ", signed by " + backend.signer().kid() + expoNote,
          generation,
          Conditions.set(status == null ? null : status.conditions(), "Published", true, "Published",
              "manifest " + published.manifestRef().url(), generation, clock.instant()),
          published.transparencyEntry()
              .map(t -> new ReleaseStatus.Transparency(t.url(), t.sha256(), t.size(), t.origin(), t.logIndex()))
              .orElse(null)));
      events.record(release, EventRecorder.NORMAL, "Published", release.getStatus().message());
      return UpdateControl.patchStatus(release);
    }
  }

  @Override
  public ErrorStatusUpdateControl<Release> updateErrorStatus(Release release, Context<Release> context, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    long generation = release.getMetadata().getGeneration();
    release.setStatus(status(release.getStatus(), Phase.FAILED, message, generation, false, "PublishFailed"));
    events.record(release, EventRecorder.WARNING, "PublishFailed", message);
    return ErrorStatusUpdateControl.patchStatus(release);
  }

  /** A status that is not (yet) Published: no manifest to report. */
  private ReleaseStatus status(ReleaseStatus old, Phase phase, String message, long generation, boolean ok, String reason) {
    return new ReleaseStatus(phase, null, null, null, null, null, null, null, message, generation,
        Conditions.set(old == null ? null : old.conditions(), "Published", ok, reason, message, generation, clock.instant()));
  }

  private static ReleaseRequest request(Release release) {
    ReleaseSpec spec = release.getSpec();
    List<FileSourceSpec> assets = spec.assets() == null ? List.of() : spec.assets();
    return new ReleaseRequest(
        spec.appId(),
        Platform.of(spec.platform().name()),
        release.getMetadata().getName(),
        spec.version(),
        spec.versionCode(),
        spec.runtimeVersion(),
        asset(spec.bundle()),
        assets.stream().map(ReleaseReconciler::asset).toList(),
        spec.notes() == null ? Map.of() : Map.of("notes", spec.notes()));
  }

  /** A Channel with {@code codePush} set has every release packaged for react-native-code-push too. */
  static ReleaseRequest codePush(ReleaseRequest request, Channel channel) {
    ChannelSpec.CodePush codePush = channel.getSpec().codePush();
    if (codePush == null) {
      return request;
    }
    String name = request.platform() == Platform.IOS ? codePush.iosBundleFileName() : codePush.androidBundleFileName();
    return request.withCodePush(name == null ? CodePushOptions.defaults(request.platform()) : new CodePushOptions(name));
  }

  /** The Release's attestation, fetched and checked against its declared SHA-256 and size. */
  private Optional<byte[]> attestation(ReleaseSpec spec, ChannelBackend backend) throws java.io.IOException {
    if (spec.attestation() == null) {
      return Optional.empty();
    }
    SourceFetcher fetcher = new SourceFetcher(workDir, SourceFetcher.defaultHttpClient(), backend.sourceS3(), 1L << 20);
    var fetched = fetcher.fetch(asset(spec.attestation()).source(), "attestation");
    try {
      return Optional.of(java.nio.file.Files.readAllBytes(fetched.file()));
    } finally {
      java.nio.file.Files.deleteIfExists(fetched.file());
    }
  }

  private static AssetSource asset(FileSourceSpec file) {
    return new AssetSource(
        file.path(),
        file.contentType() != null ? file.contentType() : ContentTypes.forPath(file.path()),
        new FileSource(file.url(), Optional.of(file.sha256()), OptionalLong.of(file.size())));
  }
}
