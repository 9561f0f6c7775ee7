package com.kivyx.ota.keys;

import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.store.ArtifactStore;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a long-running verifier (the manifest server, the operator) trusts per app: the newest
 * key set it has accepted from the pinned roots, kept in memory so a rolled-back key set in the
 * store is refused like a device would, and re-read from the store on every call.
 */
public final class KeySetTrust {
  private final ArtifactStore store;
  private final Map<String, ECPublicKey> roots;
  private final Clock clock;
  private final Map<String, KeySet> trusted = new HashMap<>();

  public KeySetTrust(ArtifactStore store, Map<String, ECPublicKey> roots, Clock clock) {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("key set trust needs at least one root public key");
    }
    this.store = store;
    this.roots = Map.copyOf(roots);
    this.clock = clock;
  }

  /** The current key set of {@code appId}, fresh now. */
  public synchronized KeySet keySet(String appId) throws KeySetRejectedException {
    KeySet loaded = new KeySetLoader(store, new KeySetVerifier(appId, roots)).load(Optional.ofNullable(trusted.get(appId)), clock.instant());
    trusted.put(appId, loaded);
    return loaded;
  }

  /** The signing keys of {@code appId} inside their window now. */
  public Map<String, ECPublicKey> signingKeys(String appId) throws KeySetRejectedException {
    KeySet keySet = keySet(appId);
    Instant now = clock.instant();
    return new KeySetVerifier(appId, roots).signingKeysAt(keySet, now);
  }
}
