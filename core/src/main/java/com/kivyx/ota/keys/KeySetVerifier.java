package com.kivyx.ota.keys;

import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.InvalidDocumentException;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.keys.KeySetRejectedException.Reason;
import com.kivyx.ota.signing.CoseRejectedException;
import com.kivyx.ota.signing.CoseVerifier;
import com.kivyx.ota.signing.RejectReason;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a key set may replace the one trusted so far (TUF's root update rule): it is
 * signed by a root of the trusted set (the pinned roots before any), is for the same app, and is
 * not older. Expiry is a separate check: a device catching up walks through old, expired
 * versions, and only the last one must be fresh.
 */
public final class KeySetVerifier {
  private final String appId;
  private final Map<String, ECPublicKey> pinnedRoots;
  private final Documents documents = new Documents();

  public KeySetVerifier(String appId, Map<String, ECPublicKey> pinnedRoots) {
    if (pinnedRoots.isEmpty()) {
      throw new IllegalArgumentException("a key set verifier needs at least one pinned root public key");
    }
    this.appId = appId;
    this.pinnedRoots = Map.copyOf(pinnedRoots);
  }

  public String appId() {
    return appId;
  }

  /** The key set in {@code cose} if it may follow {@code trusted} (empty: the first one, checked against the pinned roots). */
  public KeySet next(Optional<KeySet> trusted, byte[] cose) throws KeySetRejectedException {
    Map<String, ECPublicKey> roots = trusted.map(KeySet::rootKeys).orElse(pinnedRoots);
    String from = trusted.map(t -> "key set version " + t.version()).orElse("the pinned roots");
    KeySet next;
    try {
      next = documents.readKeySet(new CoseVerifier(roots).verify(cose, KeySet.CONTENT_TYPE).payload());
    } catch (CoseRejectedException e) {
      if (e.reason() == RejectReason.UNKNOWN_KID) {
        throw new KeySetRejectedException(
            Reason.NOT_ROOT_SIGNED, appId + ": key set refused: " + e.getMessage() + " (roots of " + from + ": " + String.join(", ", roots.keySet())
                + "); only a root key signs a key set");
      }
      throw new KeySetRejectedException(Reason.SIGNATURE, appId + ": key set refused: " + e.getMessage());
    } catch (InvalidDocumentException e) {
      throw new KeySetRejectedException(Reason.INVALID, appId + ": not a valid key set: " + e.getMessage());
    }
    if (!next.appId().equals(appId)) {
      throw new KeySetRejectedException(Reason.WRONG_APP, appId + ": the key set is for app " + next.appId());
    }
    if (trusted.isPresent()) {
      KeySet t = trusted.get();
      if (next.version() < t.version() || (next.version() == t.version() && !next.equals(t))) {
        throw new KeySetRejectedException(
            Reason.ROLLED_BACK,
            appId + ": key set version " + next.version() + " does not follow the trusted version " + t.version()
                + "; a rolled-back or forked key set is never trusted");
      }
    }
    return next;
  }

  /** A key set is acted on only before it expires (bounds how long a revocation can be withheld). */
  public void requireFresh(KeySet keySet, Instant now) throws KeySetRejectedException {
    if (!now.isBefore(keySet.expiresAtInstant())) {
      throw new KeySetRejectedException(
          Reason.EXPIRED,
          appId + ": key set version " + keySet.version() + " expired at " + keySet.expiresAt() + "; sign a new one with the root key (kivyx-ota keys root sign)");
    }
  }

  /** The keys an index or manifest may be signed with at {@code now}. */
  public Map<String, ECPublicKey> signingKeysAt(KeySet keySet, Instant now) throws KeySetRejectedException {
    Map<String, ECPublicKey> keys = keySet.keysValidAt(now);
    if (keys.isEmpty()) {
      throw new KeySetRejectedException(
          Reason.NO_VALID_KEY, appId + ": no signing key of key set version " + keySet.version() + " is inside its window at " + now + "; rotate in a new key");
    }
    return keys;
  }
}
