package com.kivyx.ota.publish;

import static com.kivyx.ota.testing.Pipeline.APP;
import static com.kivyx.ota.testing.Pipeline.CHANNEL;
import static com.kivyx.ota.testing.Pipeline.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.codepush.CodePushOptions;
import com.kivyx.ota.codepush.PackageHash;
import com.kivyx.ota.delta.DeltaDecoder;
import com.kivyx.ota.format.CodePushPackageRef;
import com.kivyx.ota.store.Sha256;
import java.util.Map;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.DeltaRef;
import com.kivyx.ota.format.RolloutInfo;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.testing.Pipeline;
import com.kivyx.ota.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publish → verify behaviour every store must show; subclasses provide the store. */
abstract class PipelineContract {
  @TempDir Path work;

  /** A fresh, empty store. */
  abstract ArtifactStore newStore() throws Exception;

  /** Overwrites an object behind the store's back, as an attacker with bucket access would. */
  abstract void overwrite(ArtifactStore store, String key, byte[] content) throws Exception;

  Pipeline pipeline() throws Exception {
    return new Pipeline(newStore(), TestKeys.signer("alias/pipeline-test"), work.resolve("fetch"));
  }

  Path file(String name, byte[] content) throws Exception {
    Path file = work.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    return file;
  }

  static byte[] randomBytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  @Test
  void publishedReleasesVerifyAsADeviceWould() throws Exception {
    Pipeline p = pipeline();
    Path corpus = Path.of(System.getProperty("kivyx.shared.dir", "../../shared"), "corpus");
    Path logo = file("assets/logo.png", randomBytes(3000, 1));
    AssetSource asset = new AssetSource("assets/logo.png", "image/png", FileSource.of(logo.toString()));
    PublishedRelease first = p.publish(Pipeline.request("r1", 1, corpus.resolve("v1.bb.hbc"), List.of(asset)), true);
    p.offer(first, RolloutInfo.FULL_WEIGHT);
    PublishedRelease second = p.publish(Pipeline.request("r2", 2, corpus.resolve("v2.bb.hbc"), List.of(asset)), true);
    IndexUpdate update = p.offer(second, 2_500);

    assertThat(update.index().version()).isEqualTo(2);
    assertThat(update.index().releases()).extracting(r -> r.releaseId()).containsExactly("r1", "r2");
    VerificationReport report = p.verify();
    assertThat(report.problems()).isEmpty();
    assertThat(report.releases()).isEqualTo(2);

    List<DeltaRef> deltas = second.manifest().deltas();
    assertThat(deltas).hasSize(1);
    assertThat(deltas.get(0).fromSha256()).isEqualTo(first.manifest().launchAsset().sha256());
    byte[] patch = p.store.read(deltas.get(0).url()).orElseThrow().bytes();
    byte[] rebuilt = new DeltaDecoder(10L << 20).apply(Files.readAllBytes(corpus.resolve("v1.bb.hbc")), patch);
    assertThat(rebuilt).isEqualTo(Files.readAllBytes(corpus.resolve("v2.bb.hbc")));
    assertThat(deltas.get(0).size()).isLessThan(5_000);
  }

  @Test
  void aCodePushPackageIsSignedStoredAndVerified() throws Exception {
    Pipeline p = pipeline();
    Path bundle = file("codepush/index.android.bundle", randomBytes(4000, 21));
    Path logo = file("codepush/logo.png", randomBytes(300, 22));
    List<AssetSource> assets = List.of(new AssetSource("drawable-mdpi/logo.png", "image/png", FileSource.of(logo.toString())));
    ReleaseRequest request = Pipeline.request("cp1", 1, bundle, assets).withCodePush(CodePushOptions.defaults(PLATFORM));
    PublishedRelease published = p.publish(request, false);
    p.offer(published, RolloutInfo.FULL_WEIGHT);

    CodePushPackageRef pkg = published.manifest().codePushPackage().orElseThrow();
    byte[] zip = p.store.read(pkg.url()).orElseThrow().bytes();
    assertThat(zip).hasSize((int) pkg.size());
    assertThat(pkg.url()).isEqualTo(StoreLayout.blob(APP, pkg.sha256()));
    Map<String, String> files = new java.util.TreeMap<>();
    files.put("CodePush/index.android.bundle", Sha256.hex(Files.readAllBytes(bundle)));
    files.put("CodePush/drawable-mdpi/logo.png", Sha256.hex(Files.readAllBytes(logo)));
    assertThat(pkg.packageHash()).isEqualTo(PackageHash.of(files)).isEqualTo(PackageHash.ofZip(zip));
    assertThat(p.verify().problems()).isEmpty();

    assertThat(p.publish(request, false).alreadyPublished()).isTrue();
    assertThatThrownBy(() -> p.publish(Pipeline.request("cp1", 1, bundle, assets), false))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("already published with different content");

    byte[] tampered = zip.clone();
    tampered[tampered.length / 2] ^= 1;
    overwrite(p.store, pkg.url(), tampered);
    assertThat(p.verify().problems()).anyMatch(problem -> problem.contains("CodePush package") && problem.contains("SHA-256"));
  }

  @Test
  void publishingTheSameReleaseTwiceChangesNothing() throws Exception {
    Pipeline p = pipeline();
    Path bundle = file("b1.js", randomBytes(5000, 2));
    PublishedRelease first = p.publish(Pipeline.request("r1", 1, bundle, List.of()), false);
    IndexUpdate index = p.offer(first, RolloutInfo.FULL_WEIGHT);
    p.clock.advance(Duration.ofMinutes(5));
    PublishedRelease again = p.publish(Pipeline.request("r1", 1, bundle, List.of()), false);
    IndexUpdate indexAgain = p.offer(again, RolloutInfo.FULL_WEIGHT);
    assertThat(again.alreadyPublished()).isTrue();
    assertThat(again.manifestRef()).isEqualTo(first.manifestRef());
    assertThat(indexAgain.sha256()).isEqualTo(index.sha256());
    assertThat(indexAgain.index().version()).isEqualTo(1);
  }

  @Test
  void refusesWhatWouldBreakImmutabilityOrOrder() throws Exception {
    Pipeline p = pipeline();
    Path bundle = file("b1.js", randomBytes(5000, 3));
    p.publish(Pipeline.request("r5", 5, bundle, List.of()), false);
    Path other = file("b2.js", randomBytes(5000, 4));
    assertThatThrownBy(() -> p.publish(Pipeline.request("r5", 5, other, List.of()), false))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("already published with different content");
    assertThatThrownBy(() -> p.publish(Pipeline.request("r4", 4, other, List.of()), false))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("versionCode 4 is not higher than 5");
    assertThatThrownBy(() -> p.publish(Pipeline.request("r5b", 5, other, List.of()), false))
        .hasMessageContaining("not higher than 5");
  }

  @Test
  void declarativePublishingTakesReleasesInAnyOrderButNeverTwoWithOneCode() throws Exception {
    Pipeline p = pipeline();
    p.publisher(false, VersionCodeRule.UNIQUE).publish(Pipeline.request("r5", 5, file("b5.js", randomBytes(3000, 11)), List.of()));
    PublishedRelease older =
        p.publisher(true, VersionCodeRule.UNIQUE).publish(Pipeline.request("r4", 4, file("b4.js", randomBytes(3000, 12)), List.of()));
    assertThat(older.manifest().deltas()).as("no delta from a newer release").isEmpty();
    assertThatThrownBy(() -> p.publisher(false, VersionCodeRule.UNIQUE).publish(Pipeline.request("r4b", 4, file("b4b.js", randomBytes(3000, 13)), List.of())))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("versionCode 4 is already used by release r4");
  }

  @Test
  void refusesASourceThatDoesNotMatchItsDeclaredHashOrSize() throws Exception {
    Pipeline p = pipeline();
    Path bundle = file("b1.js", randomBytes(5000, 5));
    var wrongHash = new AssetSource("index.android.bundle", "application/javascript",
        new FileSource(bundle.toString(), Optional.of("0".repeat(64)), OptionalLong.empty()));
    var request = Pipeline.request("r1", 1, bundle, List.of());
    var bad = new ReleaseRequest(APP, PLATFORM, "r1", "1.0.1", 1, "1.0.0", wrongHash, List.of(), java.util.Map.of());
    assertThatThrownBy(() -> p.publish(bad, false)).isInstanceOf(PublishException.class)
        .hasMessageContaining("index.android.bundle").hasMessageContaining("SHA-256");
    var wrongSize = new AssetSource("index.android.bundle", "application/javascript",
        new FileSource(bundle.toString(), Optional.empty(), OptionalLong.of(4000)));
    var big = new ReleaseRequest(APP, PLATFORM, "r1", "1.0.1", 1, "1.0.0", wrongSize, List.of(), java.util.Map.of());
    assertThatThrownBy(() -> p.publish(big, false)).isInstanceOf(PublishException.class)
        .hasMessageContaining("index.android.bundle").hasMessageContaining("larger than the 4000 bytes");
    assertThat(p.store.list("apps/")).as("nothing stored for a refused release").isEmpty();
    assertThat(p.publish(request, false).alreadyPublished()).isFalse();
  }

  @Test
  void tamperingWithAnyObjectFailsVerification() throws Exception {
    Pipeline p = pipeline();
    Path bundle = file("b.js", randomBytes(2000, 6));
    Path logo = file("assets/logo.png", randomBytes(500, 7));
    PublishedRelease release = p.publish(Pipeline.request("r1", 1,
        bundle, List.of(new AssetSource("assets/logo.png", "image/png", FileSource.of(logo.toString())))), false);
    p.offer(release, RolloutInfo.FULL_WEIGHT);
    assertThat(p.verify().ok()).isTrue();
    List<String> keys = new ArrayList<>(List.of(
        StoreLayout.index(Pipeline.CHANNEL_ID), release.manifestRef().url(), release.manifest().launchAsset().url(),
        release.manifest().assets().get(0).url()));
    for (String key : keys) {
      byte[] original = p.store.read(key).orElseThrow().bytes();
      for (int position : new int[] {0, original.length / 2, original.length - 1}) {
        byte[] tampered = original.clone();
        tampered[position] ^= 0x40;
        overwrite(p.store, key, tampered);
        assertThat(p.verify().problems()).as("%s byte %d", key, position).isNotEmpty();
      }
      overwrite(p.store, key, java.util.Arrays.copyOf(original, original.length - 1));
      assertThat(p.verify().problems()).as("%s truncated", key).isNotEmpty();
      overwrite(p.store, key, original);
      assertThat(p.verify().problems()).isEmpty();
    }
  }

  @Test
  void anExpiredIndexFailsVerificationUntilReSigned() throws Exception {
    Pipeline p = pipeline();
    p.offer(p.publish(Pipeline.request("r1", 1, file("b.js", randomBytes(1000, 8)), List.of()), false), RolloutInfo.FULL_WEIGHT);
    p.clock.advance(Duration.ofDays(7));
    assertThat(p.verify().problems()).singleElement().asString().contains("expired");
    p.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.refresh());
    assertThat(p.verify().problems()).isEmpty();
  }

  @Test
  void rolloutChangesAreNewIndexVersions() throws Exception {
    Pipeline p = pipeline();
    PublishedRelease r1 = p.publish(Pipeline.request("r1", 1, file("b1.js", randomBytes(1000, 9)), List.of()), false);
    PublishedRelease r2 = p.publish(Pipeline.request("r2", 2, file("b2.js", randomBytes(1000, 10)), List.of()), false);
    p.offer(r1, RolloutInfo.FULL_WEIGHT);
    p.offer(r2, 100);
    ChannelIndex raised = p.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.setWeight("r2", 5_000)).index();
    assertThat(raised.version()).isEqualTo(3);
    assertThat(raised.releases()).filteredOn(r -> r.releaseId().equals("r2")).singleElement()
        .satisfies(r -> assertThat(r.rollout().weight()).isEqualTo(5_000))
        .satisfies(r -> assertThat(r.rollout().id()).isEqualTo(CHANNEL + "/r2"));
    ChannelIndex revoked = p.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.revoke("r2")).index();
    assertThat(revoked.version()).isEqualTo(4);
    assertThat(revoked.releases()).extracting(r -> r.releaseId()).containsExactly("r1");
    assertThat(revoked.revoked()).containsExactly("r2");
    assertThatThrownBy(() -> p.offer(r2, 10_000)).hasMessageContaining("was revoked");
    assertThatThrownBy(() -> p.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.setWeight("r9", 1)))
        .hasMessageContaining("not on this channel");
    ChannelIndex full = p.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.setWeight("r1", 10_000)).index();
    assertThat(full.version()).isEqualTo(4).as("no change, no new version");
    assertThat(p.verify().problems()).isEmpty();
  }

  @Test
  void twoPublishersRacingOnOneChannelBothLand() throws Exception {
    Pipeline p = pipeline();
    int releases = 8;
    List<PublishedRelease> published = new ArrayList<>();
    for (int i = 1; i <= releases; i++) {
      published.add(p.publish(Pipeline.request("r" + i, i, file("b" + i + ".js", randomBytes(800, 100 + i)), List.of()), false));
    }
    // Two publishers, each with its own store client, offer their halves at the same time.
    Pipeline second = new Pipeline(newStoreLike(p.store), p.signer, work.resolve("fetch2"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Long> versions = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      List<Callable<Void>> jobs = List.of(
          () -> { for (int i = 0; i < releases; i += 2) versions.add(p.offer(published.get(i), 500).index().version()); return null; },
          () -> { for (int i = 1; i < releases; i += 2) versions.add(second.offer(published.get(i), 500).index().version()); return null; });
      for (Future<Void> f : pool.invokeAll(jobs)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(versions).doesNotHaveDuplicates().hasSize(releases);
    ChannelIndex last = p.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.refresh()).index();
    assertThat(last.releases()).hasSize(releases);
    assertThat(last.version()).isEqualTo(releases + 1);
    assertThat(p.verify().problems()).isEmpty();
  }

  /** A second client on the same store, as another publisher process would have. */
  abstract ArtifactStore newStoreLike(ArtifactStore store) throws Exception;
}
