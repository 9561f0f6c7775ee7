package com.kivyx.ota.testing;

import com.kivyx.ota.delta.DeltaBudget;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.format.RolloutInfo;
import com.kivyx.ota.publish.AssetSource;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.ChannelIndexUpdater;
import com.kivyx.ota.publish.FileSource;
import com.kivyx.ota.publish.IndexUpdate;
import com.kivyx.ota.publish.Kvxd1DeltaMaker;
import com.kivyx.ota.publish.Progress;
import com.kivyx.ota.publish.PublishedRelease;
import com.kivyx.ota.publish.ReleasePublisher;
import com.kivyx.ota.publish.ReleaseRequest;
import com.kivyx.ota.publish.SourceFetcher;
import com.kivyx.ota.publish.VersionCodeRule;
import com.kivyx.ota.publish.StoreVerifier;
import com.kivyx.ota.publish.VerificationReport;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The publishing pipeline wired for tests: one store, one key, a hand-moved clock. */
public final class Pipeline {
  public static final String APP = "com.kivyx.test";
  public static final Platform PLATFORM = Platform.ANDROID;
  public static final String CHANNEL = "production";
  public static final ChannelId CHANNEL_ID = new ChannelId(APP, PLATFORM, CHANNEL);

  public final ArtifactStore store;
  public final Signer signer;
  public final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
  private final Path work;

  public Pipeline(ArtifactStore store, Signer signer, Path work) {
    this.store = store;
    this.signer = signer;
    this.work = work;
  }

  public ReleasePublisher publisher(boolean deltas) {
    return publisher(deltas, VersionCodeRule.INCREASING);
  }

  public ReleasePublisher publisher(boolean deltas, VersionCodeRule versionCodes) {
    return new ReleasePublisher(
        store,
        signer,
        new SourceFetcher(work, SourceFetcher.defaultHttpClient(), bucket -> { throw new AssertionError("no s3 sources here"); }, 1L << 30),
        deltas ? Optional.of(new Kvxd1DeltaMaker(DeltaBudget.DEFAULT)) : Optional.empty(),
        versionCodes,
        clock,
        Progress.SILENT);
  }

  public ChannelIndexUpdater updater() {
    return new ChannelIndexUpdater(store, signer, Map.of(), clock, Duration.ofDays(7), Progress.SILENT);
  }

  public static ReleaseRequest request(String releaseId, long versionCode, Path bundle, List<AssetSource> assets) {
    return new ReleaseRequest(
        APP, PLATFORM, releaseId, "1.0." + versionCode, versionCode, "1.0.0",
        new AssetSource("index.android.bundle", "application/javascript", FileSource.of(bundle.toString())), assets, Map.of());
  }

  public PublishedRelease publish(ReleaseRequest request, boolean deltas) {
    return publisher(deltas).publish(request);
  }

  public IndexUpdate offer(PublishedRelease release, int weight) {
    var m = release.manifest();
    return updater().apply(CHANNEL_ID,
        ChannelChange.offer(new ChannelRelease(m.releaseId(), m.versionCode(), m.runtimeVersion(), release.manifestRef(),
            new RolloutInfo(CHANNEL + "/" + m.releaseId(), weight, false, null))));
  }

  public VerificationReport verify() {
    return new StoreVerifier(store, Map.of(signer.kid(), signer.publicKey()), clock).verify(CHANNEL_ID);
  }

  public static RolloutInfo fullRollout(String id) {
    return new RolloutInfo(id, RolloutInfo.FULL_WEIGHT, false, null);
  }
}
