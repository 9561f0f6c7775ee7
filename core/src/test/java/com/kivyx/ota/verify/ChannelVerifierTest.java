package com.kivyx.ota.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.publish.IndexUpdate;
import com.kivyx.ota.publish.PublishedRelease;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.store.DirectoryStore;
import com.kivyx.ota.testing.Pipeline;
import com.kivyx.ota.testing.TestKeys;
import com.kivyx.ota.verify.DocumentRejectedException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each rule of the one verification path, tried with a document that breaks it. */
class ChannelVerifierTest {
  @TempDir Path dir;
  private Pipeline pipeline;
  private ChannelVerifier verifier;
  private PublishedRelease release;
  private IndexUpdate offered;

  @BeforeEach
  void publishOneRelease() throws Exception {
    LocalKeySigner signer = TestKeys.signer("alias/test");
    pipeline = new Pipeline(new DirectoryStore(dir.resolve("store")), signer, Files.createDirectories(dir.resolve("work")));
    verifier = new ChannelVerifier(Map.of(signer.kid(), signer.publicKey()));
    Path bundle = Files.writeString(dir.resolve("index.android.bundle"), "console.log(1)");
    release = pipeline.publish(Pipeline.request("r1", 1, bundle, List.of()), false);
    offered = pipeline.offer(release, 10_000);
  }

  @Test
  void opensAnIndexAndItsManifest() throws Exception {
    ChannelIndex index = verifier.openIndex(Pipeline.CHANNEL_ID, offered.cose());
    verifier.requireFresh(Pipeline.CHANNEL_ID, index, pipeline.clock.instant());
    ChannelRelease entry = index.releases().get(0);
    assertThat(verifier.openManifest(Pipeline.CHANNEL_ID, entry, manifestBytes()).releaseId()).isEqualTo("r1");
  }

  @Test
  void refusesAnIndexSignedByAnotherKey() {
    ChannelVerifier stranger = new ChannelVerifier(Map.of("alias/test", TestKeys.signer("alias/other").publicKey()));
    assertRejected(() -> stranger.openIndex(Pipeline.CHANNEL_ID, offered.cose()), Reason.SIGNATURE);
  }

  @Test
  void refusesBytesThatAreNoIndex() {
    assertRejected(() -> verifier.openIndex(Pipeline.CHANNEL_ID, manifestBytes()), Reason.SIGNATURE);
  }

  @Test
  void refusesAnIndexOfAnotherChannel() {
    for (ChannelId other : List.of(
        new ChannelId(Pipeline.APP, Platform.IOS, Pipeline.CHANNEL),
        new ChannelId(Pipeline.APP, Pipeline.PLATFORM, "staging"),
        new ChannelId("com.other", Pipeline.PLATFORM, Pipeline.CHANNEL))) {
      assertRejected(() -> verifier.openIndex(other, offered.cose()), Reason.WRONG_CHANNEL);
    }
  }

  @Test
  void refusesAnIndexFromItsExpiryOn() throws Exception {
    ChannelIndex index = verifier.openIndex(Pipeline.CHANNEL_ID, offered.cose());
    verifier.requireFresh(Pipeline.CHANNEL_ID, index, index.expiresAtInstant().minusSeconds(1));
    assertRejected(() -> verifier.requireFresh(Pipeline.CHANNEL_ID, index, index.expiresAtInstant()), Reason.EXPIRED);
    assertRejected(() -> verifier.requireFresh(Pipeline.CHANNEL_ID, index, index.expiresAtInstant().plus(Duration.ofDays(1))), Reason.EXPIRED);
  }

  @Test
  void refusesAManifestThatIsNotTheOneTheIndexSigns() throws Exception {
    ChannelRelease entry = verifier.openIndex(Pipeline.CHANNEL_ID, offered.cose()).releases().get(0);
    byte[] flipped = manifestBytes();
    flipped[flipped.length - 1] ^= 1;
    assertRejected(() -> verifier.openManifest(Pipeline.CHANNEL_ID, entry, flipped), Reason.MANIFEST_INVALID);
    byte[] longer = java.util.Arrays.copyOf(manifestBytes(), manifestBytes().length + 1);
    assertRejected(() -> verifier.openManifest(Pipeline.CHANNEL_ID, entry, longer), Reason.MANIFEST_INVALID);
  }

  @Test
  void refusesAManifestThatDisagreesWithItsEntry() throws Exception {
    ChannelRelease entry = verifier.openIndex(Pipeline.CHANNEL_ID, offered.cose()).releases().get(0);
    ChannelRelease otherCode = new ChannelRelease(entry.releaseId(), entry.versionCode() + 1, entry.runtimeVersion(), entry.manifest(), entry.rollout());
    ChannelRelease otherRuntime = new ChannelRelease(entry.releaseId(), entry.versionCode(), "9.9.9", entry.manifest(), entry.rollout());
    ChannelRelease otherId = new ChannelRelease("r2", entry.versionCode(), entry.runtimeVersion(), entry.manifest(), entry.rollout());
    for (ChannelRelease wrong : List.of(otherCode, otherRuntime, otherId)) {
      assertRejected(() -> verifier.openManifest(Pipeline.CHANNEL_ID, wrong, manifestBytes()), Reason.MANIFEST_INVALID);
    }
    assertRejected(() -> verifier.openManifest(new ChannelId(Pipeline.APP, Platform.IOS, Pipeline.CHANNEL), entry, manifestBytes()),
        Reason.MANIFEST_INVALID);
  }

  private byte[] manifestBytes() {
    return pipeline.store.read(release.manifestRef().url()).orElseThrow().bytes();
  }

  private interface Rejecting {
    void run() throws DocumentRejectedException;
  }

  private static void assertRejected(Rejecting check, Reason reason) {
    assertThatThrownBy(check::run)
        .isInstanceOfSatisfying(DocumentRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
