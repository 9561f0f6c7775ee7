package com.kivyx.ota.keys;

import static com.kivyx.ota.keys.KeySetFixture.APP;
import static com.kivyx.ota.keys.KeySetFixture.T0;
import static com.kivyx.ota.keys.KeySetFixture.TTL;
import static com.kivyx.ota.keys.KeySetVerifierTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.keys.KeySetRejectedException.Reason;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.store.DirectoryStore;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key sets in a real directory store: publishing, and catching up across a root rotation. */
class KeySetLoaderTest {
  @TempDir Path dir;
  private DirectoryStore store;
  private KeySetPublisher publisher;
  private final LocalKeySigner rootV1 = TestKeys.signer("root-v1");
  private final LocalKeySigner rootV2 = TestKeys.signer("root-v2");
  private final LocalKeySigner prodV1 = TestKeys.signer("prod-v1");
  private final LocalKeySigner prodV2 = TestKeys.signer("prod-v2");

  @BeforeEach
  void open() {
    store = new DirectoryStore(dir);
    publisher = new KeySetPublisher(store);
  }

  private KeySetLoader loader(LocalKeySigner pinned) {
    return new KeySetLoader(store, new KeySetVerifier(APP, Map.of(pinned.kid(), pinned.publicKey())));
  }

  /** v1 (root-v1) → v2 adds prod-v2 → v3 hands over to root-v2 (signed by root-v1) → v4 revokes prod-v1 (signed by root-v2). */
  private List<KeySet> rotateEverything() {
    KeySet v1 = KeySetFixture.first(rootV1, prodV1);
    publisher.publish(Optional.empty(), v1, rootV1);
    KeySet v2 = KeySetChanges.addKey(v1, KeySetFixture.key(prodV2), T0.plusSeconds(60), TTL);
    publisher.publish(Optional.of(v1), v2, rootV1);
    KeySet v3 = KeySetChanges.replaceRoots(v2, List.of(KeySetFixture.root(rootV2)), T0.plusSeconds(120), TTL);
    publisher.publish(Optional.of(v2), v3, rootV1);
    KeySet v4 = KeySetChanges.revoke(v3, "prod-v1", T0.plusSeconds(180), TTL);
    publisher.publish(Optional.of(v3), v4, rootV2);
    return List.of(v1, v2, v3, v4);
  }

  @Test
  void aDeviceThatMissedSeveralKeySetsCatchesUpAcrossARootRotation() throws Exception {
    List<KeySet> versions = rotateEverything();
    // Pinned root-v1 only, never saw a key set: walks v1, v2, v3 and accepts v4 signed by root-v2.
    KeySet caughtUp = loader(rootV1).load(Optional.empty(), T0.plusSeconds(200));
    assertThat(caughtUp).isEqualTo(versions.get(3));
    assertThat(caughtUp.keysValidAt(T0.plusSeconds(200))).containsOnlyKeys("prod-v2");
    // Polling again with v4 trusted (whose own roots did not sign it) keeps it.
    assertThat(loader(rootV1).load(Optional.of(caughtUp), T0.plusSeconds(300))).isEqualTo(caughtUp);
    // From v2 it walks only v3.
    assertThat(loader(rootV1).load(Optional.of(versions.get(1)), T0.plusSeconds(200))).isEqualTo(versions.get(3));
  }

  @Test
  void aHoleInTheChainStopsTheWalk() throws Exception {
    rotateEverything();
    Files.delete(dir.resolve(StoreLayout.keySetVersion(APP, 3)));
    assertRejected(() -> loader(rootV1).load(Optional.empty(), T0.plusSeconds(200)), Reason.MISSING);
  }

  @Test
  void aStoreWhoseCurrentKeySetIsSignedByAStrangerIsRefusedEvenWithAValidChain() throws Exception {
    rotateEverything();
    KeySet forged = KeySetChanges.initial(APP, List.of(KeySetFixture.root(prodV1)), List.of(KeySetFixture.key(prodV2)), T0, TTL);
    Files.write(dir.resolve(StoreLayout.keySet(APP)), publisher.sign(
        new KeySet(KeySet.SCHEMA, APP, 5, forged.issuedAt(), forged.expiresAt(), forged.roots(), forged.keys()), prodV1));
    assertRejected(() -> loader(rootV1).load(Optional.empty(), T0.plusSeconds(200)), Reason.NOT_ROOT_SIGNED);
  }

  @Test
  void theCurrentKeySetMustBeFreshButOldOnesInTheChainNeedNotBe() throws Exception {
    List<KeySet> versions = rotateEverything();
    Instant afterV1Expired = versions.get(0).expiresAtInstant().plusSeconds(1);
    // v1..v3 expired too by then, except that v4 was issued 3 minutes later: still fresh.
    assertThat(loader(rootV1).load(Optional.empty(), afterV1Expired.minusSeconds(1))).isEqualTo(versions.get(3));
    assertRejected(() -> loader(rootV1).load(Optional.empty(), versions.get(3).expiresAtInstant()), Reason.EXPIRED);
  }

  @Test
  void publishingRefusesAVersionThatDoesNotFollowAndARootThatMayNotSign() {
    KeySet v1 = KeySetFixture.first(rootV1, prodV1);
    publisher.publish(Optional.empty(), v1, rootV1);
    KeySet v2 = KeySetChanges.renew(v1, T0.plusSeconds(60), TTL);
    assertThatThrownBy(() -> publisher.publish(Optional.of(v1), v2, rootV2)).isInstanceOf(KeySetPublishException.class).hasMessageContaining("not a root");
    assertThatThrownBy(() -> publisher.publish(Optional.of(v1), KeySetChanges.renew(v2, T0, TTL), rootV1))
        .isInstanceOf(KeySetPublishException.class).hasMessageContaining("does not follow");
    assertThatThrownBy(() -> publisher.publish(Optional.empty(), v1, rootV1)).isInstanceOf(KeySetPublishException.class).hasMessageContaining("changed");
  }

  @Test
  void aKeySetFileThatIsMissingIsReportedAsSuch() {
    assertRejected(() -> loader(rootV1).load(Optional.empty(), T0), Reason.MISSING);
  }
}
