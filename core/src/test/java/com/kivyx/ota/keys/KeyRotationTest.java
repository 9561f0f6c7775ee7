package com.kivyx.ota.keys;

import static com.kivyx.ota.keys.KeySetFixture.T0;
import static com.kivyx.ota.keys.KeySetFixture.TTL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.publish.ChannelIndexUpdater;
import com.kivyx.ota.publish.IndexUpdate;
import com.kivyx.ota.publish.ManifestResigner;
import com.kivyx.ota.publish.Progress;
import com.kivyx.ota.publish.PublishedRelease;
import com.kivyx.ota.publish.StoreVerifier;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.store.DirectoryStore;
import com.kivyx.ota.store.StoredObject;
import com.kivyx.ota.testing.Pipeline;
import com.kivyx.ota.testing.TestKeys;
import com.kivyx.ota.verify.ChannelVerifier;
import com.kivyx.ota.verify.DocumentRejectedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A channel's documents judged by the key set: rotation, revocation with re-signed manifests, windows. */
class KeyRotationTest {
  @TempDir Path dir;
  private final LocalKeySigner root = TestKeys.signer("root-v1");
  private final LocalKeySigner prodV1 = TestKeys.signer("prod-v1");
  private final LocalKeySigner prodV2 = TestKeys.signer("prod-v2");
  private final KeySetVerifier keySets = new KeySetVerifier(Pipeline.APP, Map.of(root.kid(), root.publicKey()));
  private DirectoryStore store;
  private Pipeline v1Pipeline;
  private IndexUpdate signedByV1;

  @BeforeEach
  void publishWithTheFirstKey() throws Exception {
    store = new DirectoryStore(dir.resolve("store"));
    v1Pipeline = new Pipeline(store, prodV1, Files.createDirectories(dir.resolve("work")));
    v1Pipeline.clock.advance(Duration.between(v1Pipeline.clock.instant(), T0.plusSeconds(10)));
    Path bundle = Files.writeString(dir.resolve("index.android.bundle"), "console.log(1)");
    PublishedRelease r1 = v1Pipeline.publish(Pipeline.request("r1", 1, bundle, List.of()), false);
    signedByV1 = v1Pipeline.offer(r1, 10_000);
  }

  private ChannelVerifier deviceTrusting(KeySet keySet, Instant now) throws KeySetRejectedException {
    return new ChannelVerifier(keySets.signingKeysAt(keySet, now));
  }

  @Test
  void revokingAKeyRefusesWhatItSignedAndTheResignedChannelPasses() throws Exception {
    KeySet v1 = KeySetFixture.first(root, prodV1);
    Instant now = T0.plusSeconds(60);
    deviceTrusting(v1, now).openIndex(Pipeline.CHANNEL_ID, signedByV1.cose());

    KeySet v2 = KeySetChanges.addKey(v1, KeySetFixture.key(prodV2), now, TTL);
    // The publisher with the new key builds on the index the old key signed, re-signing every manifest.
    ChannelIndexUpdater updater = new ChannelIndexUpdater(store, prodV2, v2.allSigningKeys(), v1Pipeline.clock, Duration.ofDays(7), Progress.SILENT);
    IndexUpdate resigned = updater.apply(Pipeline.CHANNEL_ID, new ManifestResigner(store, prodV2, Progress.SILENT).resignAll());
    ChannelRelease oldEntry = signedByV1.index().releases().get(0);
    ChannelRelease newEntry = resigned.index().releases().get(0);
    assertThat(newEntry.manifest().sha256()).isNotEqualTo(oldEntry.manifest().sha256());
    assertThat(CoseSign1.kidOfAuthenticated(manifest(newEntry))).isEqualTo("prod-v2");
    assertThat(CoseSign1.payloadOfAuthenticated(manifest(newEntry))).isEqualTo(CoseSign1.payloadOfAuthenticated(manifest(oldEntry)));

    KeySet v3 = KeySetChanges.revoke(v2, "prod-v1", now, TTL);
    ChannelVerifier device = deviceTrusting(v3, now);
    // The attack: an index (and a manifest) signed by the revoked key.
    assertRejected(() -> device.openIndex(Pipeline.CHANNEL_ID, signedByV1.cose()), DocumentRejectedException.Reason.SIGNATURE);
    ChannelIndex index = device.openIndex(Pipeline.CHANNEL_ID, resigned.cose());
    assertRejected(() -> device.openManifest(Pipeline.CHANNEL_ID, forgedEntry(newEntry, oldEntry), manifest(oldEntry)), DocumentRejectedException.Reason.MANIFEST_INVALID);
    assertThat(device.openManifest(Pipeline.CHANNEL_ID, index.releases().get(0), manifest(newEntry)).releaseId()).isEqualTo("r1");
    assertThat(new StoreVerifier(store, v3.keysValidAt(now), v1Pipeline.clock).verify(Pipeline.CHANNEL_ID).problems()).isEmpty();

    // Re-signing again changes nothing but the index version: manifests already carry the new key.
    IndexUpdate again = updater.apply(Pipeline.CHANNEL_ID, new ManifestResigner(store, prodV2, Progress.SILENT).resignAll());
    assertThat(again.index().releases()).isEqualTo(resigned.index().releases());
  }

  @Test
  void anIndexSignedByAKeyOutsideItsWindowIsRefused() throws Exception {
    Instant notBefore = T0.plus(Duration.ofDays(1));
    Instant notAfter = T0.plus(Duration.ofDays(2));
    KeySet ks = KeySetChanges.initial(Pipeline.APP, List.of(KeySetFixture.root(root)),
        List.of(KeySetFixture.key(prodV1, notBefore, notAfter), KeySetFixture.key(prodV2)), T0, TTL);
    deviceTrusting(ks, notBefore).openIndex(Pipeline.CHANNEL_ID, signedByV1.cose());
    assertRejected(() -> deviceTrusting(ks, notBefore.minusSeconds(1)).openIndex(Pipeline.CHANNEL_ID, signedByV1.cose()), DocumentRejectedException.Reason.SIGNATURE);
    assertRejected(() -> deviceTrusting(ks, notAfter).openIndex(Pipeline.CHANNEL_ID, signedByV1.cose()), DocumentRejectedException.Reason.SIGNATURE);
  }

  @Test
  void retiringAKeyOnlyEverShortensItsWindow() {
    KeySet v1 = KeySetFixture.first(root, prodV1);
    Instant end = Instant.parse(v1.keys().get(0).notAfter());
    assertThat(KeySetChanges.retire(v1, "prod-v1", end.plusSeconds(3600), T0, TTL).keys().get(0).notAfter()).isEqualTo(end.toString());
    assertThat(KeySetChanges.retire(v1, "prod-v1", T0.plusSeconds(3600), T0, TTL).keys().get(0).notAfter()).isEqualTo(T0.plusSeconds(3600).toString());
    assertThatThrownBy(() -> KeySetChanges.revoke(v1, "nope", T0, TTL)).isInstanceOf(KeySetPublishException.class);
  }

  /** An index entry claiming the old manifest: only its signature stands between it and the device. */
  private static ChannelRelease forgedEntry(ChannelRelease newEntry, ChannelRelease oldEntry) {
    return new ChannelRelease(newEntry.releaseId(), newEntry.versionCode(), newEntry.runtimeVersion(), oldEntry.manifest(), newEntry.rollout());
  }

  private byte[] manifest(ChannelRelease entry) {
    return store.read(entry.manifest().url()).map(StoredObject::bytes).orElseThrow();
  }

  private static void assertRejected(org.junit.jupiter.api.function.Executable call, DocumentRejectedException.Reason reason) {
    assertThatThrownBy(call::execute).isInstanceOfSatisfying(DocumentRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
