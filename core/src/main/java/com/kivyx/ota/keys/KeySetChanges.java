package com.kivyx.ota.keys;

import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.format.KeySet.RootKey;
import com.kivyx.ota.format.KeySet.SigningKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The edits the CLI and tests make to a key set, as pure functions: each returns the next
 * version, issued now and valid for {@code ttl}.
 */
public final class KeySetChanges {
  private KeySetChanges() {}

  public static KeySet initial(String appId, List<RootKey> roots, List<SigningKey> keys, Instant now, Duration ttl) {
    Instant issued = now.truncatedTo(ChronoUnit.SECONDS);
    return new KeySet(KeySet.SCHEMA, appId, 1, issued.toString(), issued.plus(ttl).toString(), roots, keys);
  }

  /** The same roots and keys, a fresh expiry. */
  public static KeySet renew(KeySet current, Instant now, Duration ttl) {
    return next(current, current.roots(), current.keys(), now, ttl);
  }

  /** Adds a signing key; the others keep their windows, so the old key stays valid until its window ends. */
  public static KeySet addKey(KeySet current, SigningKey key, Instant now, Duration ttl) {
    if (current.keys().stream().anyMatch(k -> k.kid().equals(key.kid()))) {
      throw new KeySetPublishException("key set version " + current.version() + " already has a key '" + key.kid() + "'; choose a new kid");
    }
    List<SigningKey> keys = new ArrayList<>(current.keys());
    keys.add(key);
    return next(current, current.roots(), keys, now, ttl);
  }

  /** Adds a signing key and, in the same version, ends an old key's window at {@code retireAt} (a rotation). */
  public static KeySet rotate(KeySet current, SigningKey key, String retireKid, Instant retireAt, Instant now, Duration ttl) {
    KeySet added = addKey(current, key, now, ttl);
    return next(current, current.roots(), retired(added.keys(), retireKid, retireAt), now, ttl);
  }

  /** Ends a key's window early (never later), e.g. once everything it signed has been re-signed. */
  public static KeySet retire(KeySet current, String kid, Instant notAfter, Instant now, Duration ttl) {
    return next(current, current.roots(), retired(current.keys(), kid, notAfter), now, ttl);
  }

  private static List<SigningKey> retired(List<SigningKey> current, String kid, Instant notAfter) {
    List<SigningKey> keys = new ArrayList<>();
    for (SigningKey k : current) {
      if (k.kid().equals(kid) && notAfter.isBefore(Instant.parse(k.notAfter()))) {
        Instant end = notAfter.truncatedTo(ChronoUnit.SECONDS);
        Instant start = Instant.parse(k.notBefore());
        k = new SigningKey(k.kid(), k.publicKeyHex(), k.notBefore(), (end.isAfter(start) ? end : start.plusSeconds(1)).toString());
      }
      keys.add(k);
    }
    return keys;
  }

  /** Takes a key out: devices refuse everything it signed once they have this version. */
  public static KeySet revoke(KeySet current, String kid, Instant now, Duration ttl) {
    List<SigningKey> keys = current.keys().stream().filter(k -> !k.kid().equals(kid)).toList();
    if (keys.size() == current.keys().size()) {
      throw new KeySetPublishException("key set version " + current.version() + " has no signing key '" + kid + "' (keys: "
          + String.join(", ", current.keys().stream().map(SigningKey::kid).toList()) + ")");
    }
    return next(current, current.roots(), keys, now, ttl);
  }

  /** New roots for the next version on; this version is still signed by a current root (TUF style). */
  public static KeySet replaceRoots(KeySet current, List<RootKey> roots, Instant now, Duration ttl) {
    return next(current, roots, current.keys(), now, ttl);
  }

  private static KeySet next(KeySet current, List<RootKey> roots, List<SigningKey> keys, Instant now, Duration ttl) {
    Instant issued = now.truncatedTo(ChronoUnit.SECONDS);
    return new KeySet(KeySet.SCHEMA, current.appId(), current.version() + 1, issued.toString(), issued.plus(ttl).toString(), roots, keys);
  }
}
