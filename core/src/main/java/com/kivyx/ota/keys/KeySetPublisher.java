package com.kivyx.ota.keys;

import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.store.StoredObject;
import java.util.Optional;

/**
 * Signs a key set with a root key and puts it in a store: first its immutable version file,
 * then the current one by compare-and-swap, so versions go up by exactly one and the chain a
 * device walks has no holes.
 */
public final class KeySetPublisher {
  private final ArtifactStore store;
  private final Documents documents = new Documents();

  public KeySetPublisher(ArtifactStore store) {
    this.store = store;
  }

  /** The COSE_Sign1 document of {@code keySet}, signed by {@code root}. */
  public byte[] sign(KeySet keySet, Signer root) {
    return CoseSign1.sign(root, KeySet.CONTENT_TYPE, documents.write(keySet));
  }

  /**
   * Publishes {@code keySet} signed by {@code root}.
   *
   * @param previous the key set it follows, as loaded (and verified) from this store; empty for the first
   * @throws KeySetPublishException when the version does not follow, the root may not sign it, or another writer won
   */
  public byte[] publish(Optional<KeySet> previous, KeySet keySet, Signer root) {
    long expected = previous.map(p -> p.version() + 1).orElse(1L);
    if (keySet.version() != expected) {
      throw new KeySetPublishException("key set version " + keySet.version() + " does not follow " + (expected - 1) + "; versions go up by one");
    }
    if (previous.isPresent() && !previous.get().rootKeys().containsKey(root.kid())) {
      throw new KeySetPublishException(
          "root key '" + root.kid() + "' is not a root of key set version " + previous.get().version() + " (roots: "
              + String.join(", ", previous.get().rootKeys().keySet()) + "); sign with one of them");
    }
    if (previous.isPresent() && !previous.get().rootKeys().get(root.kid()).equals(root.publicKey())) {
      throw new KeySetPublishException("root key '" + root.kid() + "' is not the key key set version " + previous.get().version() + " names under that kid");
    }
    byte[] cose = sign(keySet, root);
    String currentKey = StoreLayout.keySet(keySet.appId());
    Optional<StoredObject> current = store.read(currentKey);
    if (current.isPresent() != previous.isPresent()) {
      throw new KeySetPublishException(currentKey + " changed while the new key set was prepared; run the command again");
    }
    store.putImmutable(StoreLayout.keySetVersion(keySet.appId(), keySet.version()), cose, StoreLayout.COSE_CONTENT_TYPE);
    if (!store.compareAndSwap(currentKey, cose, current.map(StoredObject::etag), StoreLayout.COSE_CONTENT_TYPE)) {
      throw new KeySetPublishException(currentKey + " changed while the new key set was written; run the command again");
    }
    return cose;
  }
}
