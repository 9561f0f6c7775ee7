package com.kivyx.ota.keys;

import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.format.KeySet.RootKey;
import com.kivyx.ota.format.KeySet.SigningKey;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.signing.Signer;
import java.time.Duration;
import java.time.Instant;

/** Key set entries for the fixed test keys. */
final class KeySetFixture {
  static final String APP = "com.kivyx.test";
  static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  static final Duration TTL = Duration.ofDays(90);

  private KeySetFixture() {}

  static RootKey root(Signer s) {
    return new RootKey(s.kid(), P256.rawHex(s.publicKey()));
  }

  static SigningKey key(Signer s, Instant notBefore, Instant notAfter) {
    return new SigningKey(s.kid(), P256.rawHex(s.publicKey()), notBefore.toString(), notAfter.toString());
  }

  static SigningKey key(Signer s) {
    return key(s, T0, T0.plus(Duration.ofDays(365)));
  }

  static KeySet first(Signer root, Signer signing) {
    return KeySetChanges.initial(APP, java.util.List.of(root(root)), java.util.List.of(key(signing)), T0, TTL);
  }
}
