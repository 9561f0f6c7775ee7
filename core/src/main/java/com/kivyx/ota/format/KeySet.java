package com.kivyx.ota.format;

import com.kivyx.ota.signing.P256;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The signed list of an app's signing keys (TUF's root role, kept small): signed by a root key,
 * versioned and monotonic like the index. {@code roots} are the keys that may sign the next
 * version (a root rotation lists new ones); {@code keys} are the keys that may sign indexes and
 * manifests, each inside its window {@code [notBefore, notAfter)}.
 */
public record KeySet(
    String schema, String appId, long version, String issuedAt, String expiresAt, List<RootKey> roots, List<SigningKey> keys) {
  public static final String SCHEMA = "kivyx.ota/keyset@1";
  public static final String CONTENT_TYPE = "application/vnd.kivyx.ota.keyset+json";
  /** A kid is printable ASCII without spaces, e.g. {@code alias/kivyx-ota-prod-v1}. */
  static final Pattern KID = Pattern.compile("[\\x21-\\x7e]{1,128}");
  private static final Pattern RAW_KEY = Pattern.compile("04[0-9a-f]{128}");

  public KeySet {
    if (!SCHEMA.equals(schema)) {
      throw new InvalidDocumentException("schema must be '" + SCHEMA + "', got '" + schema + "'");
    }
    Check.name("appId", appId);
    Check.positive("key set version", version);
    Check.timestamp("issuedAt", issuedAt);
    Check.timestamp("expiresAt", expiresAt);
    if (!Instant.parse(expiresAt).isAfter(Instant.parse(issuedAt))) {
      throw new InvalidDocumentException("expiresAt must be after issuedAt");
    }
    roots = Check.list(roots);
    keys = Check.list(keys);
    if (roots.isEmpty()) {
      throw new InvalidDocumentException("a key set needs at least one root key (who signs the next version)");
    }
    if (keys.isEmpty()) {
      throw new InvalidDocumentException("a key set needs at least one signing key");
    }
    // One kid names one key: a root never signs indexes, a signing key never signs key sets.
    Check.unique("kids of roots and keys", Stream.concat(roots.stream().map(RootKey::kid), keys.stream().map(SigningKey::kid)).toList());
  }

  /** A key that may sign the next key set. */
  public record RootKey(String kid, String publicKeyHex) {
    public RootKey {
      checkKid(kid);
      rawKey(publicKeyHex);
    }

    public ECPublicKey publicKey() {
      return P256.publicKeyFromRawHex(publicKeyHex);
    }
  }

  /** A key that may sign indexes and manifests from {@code notBefore} until just before {@code notAfter}. */
  public record SigningKey(String kid, String publicKeyHex, String notBefore, String notAfter) {
    public SigningKey {
      checkKid(kid);
      rawKey(publicKeyHex);
      Check.timestamp("notBefore of " + kid, notBefore);
      Check.timestamp("notAfter of " + kid, notAfter);
      if (!Instant.parse(notAfter).isAfter(Instant.parse(notBefore))) {
        throw new InvalidDocumentException("notAfter of " + kid + " must be after its notBefore");
      }
    }

    public ECPublicKey publicKey() {
      return P256.publicKeyFromRawHex(publicKeyHex);
    }

    public boolean validAt(Instant time) {
      return !time.isBefore(Instant.parse(notBefore)) && time.isBefore(Instant.parse(notAfter));
    }
  }

  public Instant expiresAtInstant() {
    return Instant.parse(expiresAt);
  }

  public Map<String, ECPublicKey> rootKeys() {
    Map<String, ECPublicKey> out = new LinkedHashMap<>();
    roots.forEach(r -> out.put(r.kid(), r.publicKey()));
    return out;
  }

  /** The signing keys inside their window at {@code time}: what a verifier pins then. */
  public Map<String, ECPublicKey> keysValidAt(Instant time) {
    Map<String, ECPublicKey> out = new LinkedHashMap<>();
    keys.stream().filter(k -> k.validAt(time)).forEach(k -> out.put(k.kid(), k.publicKey()));
    return out;
  }

  /** Every signing key, in or out of its window: what a publisher may build upon. */
  public Map<String, ECPublicKey> allSigningKeys() {
    Map<String, ECPublicKey> out = new LinkedHashMap<>();
    keys.forEach(k -> out.put(k.kid(), k.publicKey()));
    return out;
  }

  private static void checkKid(String kid) {
    Check.matches("kid", kid, KID, "1-128 printable ASCII characters without spaces");
  }

  private static void rawKey(String hex) {
    Check.matches("publicKeyHex", hex, RAW_KEY, "an uncompressed P-256 point as lowercase hex (04 || x || y)");
    try {
      P256.publicKeyFromRawHex(hex);
    } catch (IllegalArgumentException e) {
      throw new InvalidDocumentException("publicKeyHex: " + e.getMessage());
    }
  }
}
