package com.kivyx.ota.keys;

import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.InvalidDocumentException;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.keys.KeySetRejectedException.Reason;
import com.kivyx.ota.signing.CoseRejectedException;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.store.StoredObject;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads an app's current key set from a store and verifies it from what is trusted: directly
 * when a trusted root signed it, otherwise by walking every version in between
 * ({@code keys/<v>.cose}), each signed by a root of the one before (a root rotation).
 */
public final class KeySetLoader {
  /** A device this far behind has to be re-provisioned; bounds the work a hostile store can cause. */
  static final int MAX_CHAIN = 1_000;

  private final ArtifactStore store;
  private final KeySetVerifier verifier;
  private final Documents documents = new Documents();

  public KeySetLoader(ArtifactStore store, KeySetVerifier verifier) {
    this.store = store;
    this.verifier = verifier;
  }

  /** The current key set, trusted from {@code trusted} (empty: from the pinned roots), and fresh at {@code now}. */
  public KeySet load(Optional<KeySet> trusted, Instant now) throws KeySetRejectedException {
    KeySet result = loadExpiredToo(trusted);
    verifier.requireFresh(result, now);
    return result;
  }

  /** {@link #load} without the freshness check: for the root holder, who renews an expired key set. */
  public KeySet loadExpiredToo(Optional<KeySet> trusted) throws KeySetRejectedException {
    String appId = verifier.appId();
    byte[] current = read(StoreLayout.keySet(appId));
    if (trusted.isPresent() && claimed(current).filter(trusted.get()::equals).isPresent()) {
      // The one already trusted: nothing to verify (after a root rotation its own roots did not sign it).
      return trusted.get();
    }
    KeySet result;
    try {
      result = verifier.next(trusted, current);
    } catch (KeySetRejectedException e) {
      if (e.reason() != Reason.NOT_ROOT_SIGNED) {
        throw e;
      }
      result = walk(trusted, claimedVersion(current), current);
    }
    return result;
  }

  private KeySet walk(Optional<KeySet> trusted, long target, byte[] current) throws KeySetRejectedException {
    long from = trusted.map(KeySet::version).orElse(0L);
    if (target - from > MAX_CHAIN) {
      throw new KeySetRejectedException(Reason.MISSING, verifier.appId() + ": the key set is " + (target - from) + " versions ahead; re-provision the trusted roots");
    }
    Optional<KeySet> step = trusted;
    for (long v = from + 1; v < target; v++) {
      step = Optional.of(verifier.next(step, read(StoreLayout.keySetVersion(verifier.appId(), v))));
    }
    return verifier.next(step, current);
  }

  /** The version the unverified document claims: only used to know how far to walk. */
  private Optional<KeySet> claimed(byte[] cose) {
    try {
      return Optional.of(documents.readKeySet(CoseSign1.payloadOfAuthenticated(cose)));
    } catch (CoseRejectedException | InvalidDocumentException e) {
      return Optional.empty(); // verified, and refused, as any other document
    }
  }

  private long claimedVersion(byte[] cose) throws KeySetRejectedException {
    try {
      return documents.readKeySet(CoseSign1.payloadOfAuthenticated(cose)).version();
    } catch (CoseRejectedException | InvalidDocumentException e) {
      throw new KeySetRejectedException(Reason.INVALID, verifier.appId() + ": the stored key set is not readable: " + e.getMessage());
    }
  }

  private byte[] read(String key) throws KeySetRejectedException {
    return store.read(key)
        .map(StoredObject::bytes)
        .orElseThrow(() -> new KeySetRejectedException(Reason.MISSING, "no key set at " + key + " in " + store.describe() + "; sign one with 'kivyx-ota keys root init'"));
  }
}
