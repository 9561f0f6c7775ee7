package com.kivyx.ota.cli;

import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.keys.KeySetLoader;
import com.kivyx.ota.keys.KeySetRejectedException;
import com.kivyx.ota.keys.KeySetVerifier;
import com.kivyx.ota.store.ArtifactStore;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The signing keys a device pinning {@code roots} accepts now, from the store's key set; exit 1 with the reason when there are none. */
final class TrustedKeySet {
  private TrustedKeySet() {}

  static Map<String, ECPublicKey> signingKeysNow(ArtifactStore store, String appId, Map<String, ECPublicKey> roots) {
    KeySetVerifier verifier = new KeySetVerifier(appId, roots);
    Instant now = Instant.now();
    try {
      KeySet keySet = new KeySetLoader(store, verifier).load(Optional.empty(), now);
      return verifier.signingKeysAt(keySet, now);
    } catch (KeySetRejectedException e) {
      throw new IllegalStateException("the key set in " + store.describe() + " is refused: " + e.getMessage());
    }
  }
}
