package com.kivyx.ota.keys;

import static com.kivyx.ota.keys.KeySetFixture.APP;
import static com.kivyx.ota.keys.KeySetFixture.T0;
import static com.kivyx.ota.keys.KeySetFixture.TTL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.InvalidDocumentException;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.keys.KeySetRejectedException.Reason;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.PemKeys;
import java.math.BigInteger;
import com.kivyx.ota.store.DirectoryStore;
import com.kivyx.ota.testing.TestKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The key set rules, each tried with a key set that breaks it. */
class KeySetVerifierTest {
  private final LocalKeySigner root = TestKeys.signer("root-v1");
  private final LocalKeySigner signing = TestKeys.signer("prod-v1");
  private final KeySetPublisher publisher = new KeySetPublisher(new DirectoryStore(Path.of("unused")));
  private final KeySetVerifier verifier = new KeySetVerifier(APP, Map.of(root.kid(), root.publicKey()));

  @Test
  void acceptsTheFirstKeySetSignedByAPinnedRoot() throws Exception {
    KeySet first = KeySetFixture.first(root, signing);
    KeySet accepted = verifier.next(Optional.empty(), publisher.sign(first, root));
    assertThat(accepted).isEqualTo(first);
    assertThat(verifier.signingKeysAt(accepted, T0)).containsOnlyKeys("prod-v1");
  }

  @Test
  void refusesAKeySetSignedByASigningKeyInsteadOfTheRoot() {
    KeySet first = KeySetFixture.first(root, signing);
    assertRejected(() -> verifier.next(Optional.empty(), publisher.sign(first, signing)), Reason.NOT_ROOT_SIGNED);
    // Nor may a signing key of a trusted set sign the next one.
    KeySet second = KeySetChanges.renew(first, T0.plusSeconds(60), TTL);
    assertRejected(() -> verifier.next(Optional.of(first), publisher.sign(second, signing)), Reason.NOT_ROOT_SIGNED);
  }

  @Test
  void refusesAKeySetSignedByAStrangerUnderTheRootsKid() {
    LocalKeySigner impostor = new LocalKeySigner(root.kid(), PemKeys.privateKeyFromScalar(BigInteger.valueOf(123_456_789)));
    assertRejected(() -> verifier.next(Optional.empty(), publisher.sign(KeySetFixture.first(root, signing), impostor)), Reason.SIGNATURE);
  }

  @Test
  void refusesARolledBackKeySet() throws Exception {
    KeySet v1 = KeySetFixture.first(root, signing);
    KeySet v2 = KeySetChanges.addKey(v1, KeySetFixture.key(TestKeys.signer("prod-v2")), T0.plusSeconds(60), TTL);
    KeySet trusted = verifier.next(Optional.of(v1), publisher.sign(v2, root));
    assertRejected(() -> verifier.next(Optional.of(trusted), publisher.sign(v1, root)), Reason.ROLLED_BACK);
    // The same version again is fine; the same version with other content is a fork.
    assertThat(verifier.next(Optional.of(trusted), publisher.sign(v2, root))).isEqualTo(v2);
    KeySet fork = new KeySet(KeySet.SCHEMA, APP, 2, v2.issuedAt(), v2.expiresAt(), v2.roots(), List.of(KeySetFixture.key(TestKeys.signer("evil"))));
    assertRejected(() -> verifier.next(Optional.of(trusted), publisher.sign(fork, root)), Reason.ROLLED_BACK);
  }

  @Test
  void refusesAnExpiredKeySetFromItsExpiryOn() throws Exception {
    KeySet v1 = KeySetFixture.first(root, signing);
    verifier.requireFresh(v1, v1.expiresAtInstant().minusSeconds(1));
    assertRejected(() -> verifier.requireFresh(v1, v1.expiresAtInstant()), Reason.EXPIRED);
    assertRejected(() -> verifier.requireFresh(v1, v1.expiresAtInstant().plus(Duration.ofDays(30))), Reason.EXPIRED);
  }

  @Test
  void refusesAKeySetOfAnotherAppAndAnotherContentType() {
    KeySet other = KeySetChanges.initial("com.other", List.of(KeySetFixture.root(root)), List.of(KeySetFixture.key(signing)), T0, TTL);
    assertRejected(() -> verifier.next(Optional.empty(), publisher.sign(other, root)), Reason.WRONG_APP);
    byte[] asIndex = CoseSign1.sign(root, "application/vnd.kivyx.ota.channel-index+json", new Documents().write(KeySetFixture.first(root, signing)));
    assertRejected(() -> verifier.next(Optional.empty(), asIndex), Reason.SIGNATURE);
  }

  @Test
  void signingKeysAreTrustedOnlyInsideTheirWindow() throws Exception {
    LocalKeySigner later = TestKeys.signer("prod-v2");
    KeySet ks = KeySetChanges.addKey(KeySetFixture.first(root, signing), KeySetFixture.key(later, T0.plus(Duration.ofDays(10)), T0.plus(Duration.ofDays(400))), T0, TTL);
    assertThat(verifier.signingKeysAt(ks, T0)).containsOnlyKeys("prod-v1");
    assertThat(verifier.signingKeysAt(ks, T0.plus(Duration.ofDays(10)))).containsOnlyKeys("prod-v1", "prod-v2");
    assertThat(verifier.signingKeysAt(ks, T0.plus(Duration.ofDays(365)))).containsOnlyKeys("prod-v2");
    assertRejected(() -> verifier.signingKeysAt(ks, T0.plus(Duration.ofDays(400))), Reason.NO_VALID_KEY);
    assertRejected(() -> verifier.signingKeysAt(ks, T0.minusSeconds(1)), Reason.NO_VALID_KEY);
  }

  @Test
  void theFormatRefusesKeySetsThatCouldConfuseAVerifier() {
    KeySet ks = KeySetFixture.first(root, signing);
    assertThatThrownBy(() -> new KeySet(KeySet.SCHEMA, APP, 1, ks.issuedAt(), ks.expiresAt(), List.of(), ks.keys()))
        .isInstanceOf(InvalidDocumentException.class).hasMessageContaining("root");
    assertThatThrownBy(() -> new KeySet(KeySet.SCHEMA, APP, 1, ks.issuedAt(), ks.expiresAt(), List.of(KeySetFixture.root(signing)), ks.keys()))
        .isInstanceOf(InvalidDocumentException.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> new KeySet.SigningKey("k", ks.keys().get(0).publicKeyHex(), "2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"))
        .isInstanceOf(InvalidDocumentException.class).hasMessageContaining("notAfter");
    assertThatThrownBy(() -> new KeySet.RootKey("r", "04" + "00".repeat(64)))
        .isInstanceOf(InvalidDocumentException.class).hasMessageContaining("publicKeyHex");
    assertThatThrownBy(() -> new KeySet.RootKey("r", ks.roots().get(0).publicKeyHex().toUpperCase()))
        .isInstanceOf(InvalidDocumentException.class);
    assertThat(new Documents().readKeySet(new Documents().write(ks))).isEqualTo(ks);
  }

  static void assertRejected(Executable call, Reason reason) {
    assertThatThrownBy(call::execute).isInstanceOfSatisfying(KeySetRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
