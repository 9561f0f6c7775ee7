package com.kivyx.ota.operator;

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
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
  static final Duration CHANNEL_MISSING_RETRY = Duration.ofSeconds(20);

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
  public UpdateControl<Release> reconcile(Release release, Context<Release> context) throws Exception {
    ReleaseStatus status = release.getStatus();
    long generation = release.getMetadata().getGeneration();
    if (status != null && ReleaseStatus.PUBLISHED.equals(status.phase()) && Long.valueOf(generation).equals(status.observedGeneration())) {
      return UpdateControl.noUpdate();
    }
    KubernetesClient client = context.getClient();
    ReleaseSpec spec = release.getSpec();
    String namespace = release.getMetadata().getNamespace();
    Channel channel = client.resources(Channel.class).inNamespace(namespace).withName(spec.channel()).get();
    if (channel == null) {
      release.setStatus(status(status, ReleaseStatus.PENDING, "Channel " + spec.channel() + " does not exist yet", generation, false, "ChannelMissing"));
      return UpdateControl.patchStatus(release).rescheduleAfter(CHANNEL_MISSING_RETRY);
    }
    if (status == null || !ReleaseStatus.PUBLISHING.equals(status.phase()) || !Long.valueOf(generation).equals(status.observedGeneration())) {
      // Show Publishing first, then do the work in the next round: a long publish is visible.
      String message = "publishing into the store of Channel " + spec.channel();
      events.record(release, EventRecorder.NORMAL, "Publishing", message);
      release.setStatus(status(status, ReleaseStatus.PUBLISHING, message, generation, false, "Publishing"));
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
          message -> LOG.info("{}/{}: {}", namespace, release.getMetadata().getName(), message));
      PublishedRelease published = publisher.publish(request(release));
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
          ReleaseStatus.PUBLISHED,
          release.getMetadata().getName(),
          published.manifestRef().url(),
          published.manifestRef().sha256(),
          published.manifestRef().size(),
          backend.signer().kid(),
          manifest.deltas().stream().map(d -> new ReleaseStatus.DeltaStatus(d.fromSha256(), d.size())).toList(),
          "published " + manifest.assets().size() + " asset(s) and " + manifest.deltas().size() + " delta(s), signed by " + backend.signer().kid() + expoNote,
          generation,
          Conditions.set(status == null ? null : status.conditions(), "Published", true, "Published",
              "manifest " + published.manifestRef().url(), generation, clock.instant())));
      events.record(release, EventRecorder.NORMAL, "Published", release.getStatus().message());
      return UpdateControl.patchStatus(release);
    }
  }

  @Override
  public ErrorStatusUpdateControl<Release> updateErrorStatus(Release release, Context<Release> context, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    long generation = release.getMetadata().getGeneration();
    release.setStatus(status(release.getStatus(), ReleaseStatus.FAILED, message, generation, false, "PublishFailed"));
    events.record(release, EventRecorder.WARNING, "PublishFailed", message);
    return ErrorStatusUpdateControl.patchStatus(release);
  }

  /** A status that is not (yet) Published: no manifest to report. */
  private ReleaseStatus status(ReleaseStatus old, String phase, String message, long generation, boolean ok, String reason) {
    return new ReleaseStatus(phase, null, null, null, null, null, null, message, generation,
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

  private static AssetSource asset(FileSourceSpec file) {
    return new AssetSource(
        file.path(),
        file.contentType() != null ? file.contentType() : ContentTypes.forPath(file.path()),
        new FileSource(file.url(), Optional.of(file.sha256()), OptionalLong.of(file.size())));
  }
}
