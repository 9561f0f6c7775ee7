package com.kivyx.ota.vectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.format.KeySet.RootKey;
import com.kivyx.ota.format.KeySet.SigningKey;
import com.kivyx.ota.keys.KeySetChanges;
import com.kivyx.ota.keys.KeySetRejectedException;
import com.kivyx.ota.keys.KeySetVerifier;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.signing.PemKeys;
import java.math.BigInteger;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Key set vectors ({@code keysets.json}): single steps (may this key set follow that one, is it
 * fresh, which signing keys are valid now) and a store a device with only the first root walks.
 * Every verdict is computed here by {@link KeySetVerifier}, so the file says what Java does.
 */
final class KeySetVectors {
  static final String APP = "com.kivyx.test";
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  private static final Duration TTL = Duration.ofDays(90);

  private final LocalKeySigner rootV1 = TestKeys.signer("root-v1");
  private final LocalKeySigner rootV2 = TestKeys.signer("root-v2");
  private final LocalKeySigner prodV1 = TestKeys.signer("prod-v1");
  private final LocalKeySigner prodV2 = TestKeys.signer("prod-v2");
  private final KeySetVerifier verifier = new KeySetVerifier(APP, Map.of(rootV1.kid(), rootV1.publicKey()));
  private final Documents documents = new Documents();

  private final KeySet v1 = KeySetChanges.initial(APP, List.of(root(rootV1)), List.of(key(prodV1, T0, T0.plus(Duration.ofDays(60)))), T0, TTL);
  private final KeySet v2 = KeySetChanges.addKey(v1, key(prodV2, T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(365))), T0.plus(Duration.ofDays(1)), TTL);
  private final KeySet v3 = KeySetChanges.replaceRoots(v2, List.of(root(rootV2)), T0.plus(Duration.ofDays(2)), TTL);
  private final KeySet v4 = KeySetChanges.revoke(v3, "prod-v1", T0.plus(Duration.ofDays(3)), TTL);

  ObjectNode write(ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    root.put("appId", APP);
    root.putObject("pinnedRoots").put(rootV1.kid(), P256.rawHex(rootV1.publicKey()));
    ArrayNode cases = root.putArray("cases");
    Instant day = T0.plus(Duration.ofDays(1));
    Instant day3 = T0.plus(Duration.ofDays(3));
    step(cases, "first key set, signed by the pinned root", null, sign(v1, rootV1), T0);
    step(cases, "adds a key whose window starts a day later", sign(v1, rootV1), sign(v2, rootV1), day);
    step(cases, "same key set again", sign(v2, rootV1), sign(v2, rootV1), day);
    step(cases, "root rotation, signed by the old root", sign(v2, rootV1), sign(v3, rootV1), day);
    step(cases, "revocation, signed by the new root", sign(v3, rootV1), sign(v4, rootV2), day3);
    step(cases, "after the rotation the old root may not sign", sign(v3, rootV1), sign(v4, rootV1), day3);
    step(cases, "signed by a signing key, not a root", null, sign(v1, prodV1), T0);
    step(cases, "signed by a stranger under the root's kid", null, sign(v1, new LocalKeySigner(rootV1.kid(), PemKeys.privateKeyFromScalar(BigInteger.valueOf(123_456_789)))), T0);
    step(cases, "rolled back to an older version", sign(v2, rootV1), sign(v1, rootV1), day);
    KeySet fork = new KeySet(KeySet.SCHEMA, APP, 2, v2.issuedAt(), v2.expiresAt(), v2.roots(), List.of(key(TestKeys.signer("evil"), T0, T0.plus(TTL))));
    step(cases, "same version, other content (a fork)", sign(v2, rootV1), sign(fork, rootV1), day);
    step(cases, "expired (freeze)", null, sign(v1, rootV1), v1.expiresAtInstant());
    step(cases, "no signing key inside its window yet", null, sign(v1, rootV1), T0.minusSeconds(1));
    KeySet other = KeySetChanges.initial("com.other", v1.roots(), v1.keys(), T0, TTL);
    step(cases, "for another app", null, sign(other, rootV1), T0);
    step(cases, "signed as a channel index", null, CoseSign1.sign(rootV1, "application/vnd.kivyx.ota.channel-index+json", documents.write(v1)), T0);
    String noRoots = new String(documents.write(v1), StandardCharsets.UTF_8).replaceFirst("\"roots\":\\[[^\\]]*\\]", "\"roots\":[]");
    step(cases, "no roots", null, CoseSign1.sign(rootV1, KeySet.CONTENT_TYPE, noRoots.getBytes(StandardCharsets.UTF_8)), T0);

    // A device with only root-v1 pinned that never saw a key set catches up to v4.
    ObjectNode chain = root.putObject("chain");
    ObjectNode store = chain.putObject("store");
    store.put(StoreLayout.keySetVersion(APP, 1), hex(sign(v1, rootV1)));
    store.put(StoreLayout.keySetVersion(APP, 2), hex(sign(v2, rootV1)));
    store.put(StoreLayout.keySetVersion(APP, 3), hex(sign(v3, rootV1)));
    store.put(StoreLayout.keySetVersion(APP, 4), hex(sign(v4, rootV2)));
    store.put(StoreLayout.keySet(APP), hex(sign(v4, rootV2)));
    chain.put("now", day3.toString());
    chain.put("version", 4);
    chain.putArray("signingKeys").add("prod-v2");
    return root;
  }

  private void step(ArrayNode cases, String name, byte[] trusted, byte[] cose, Instant now) {
    ObjectNode node = cases.addObject();
    node.put("name", name);
    node.put("trustedCoseHex", trusted == null ? null : hex(trusted));
    node.put("coseHex", hex(cose));
    node.put("now", now.toString());
    try {
      // The trusted key set was verified when it was accepted: readers take it as is.
      Optional<KeySet> t = trusted == null ? Optional.empty() : Optional.of(documents.readKeySet(CoseSign1.payloadOfAuthenticated(trusted)));
      KeySet next = verifier.next(t, cose);
      verifier.requireFresh(next, now);
      var valid = verifier.signingKeysAt(next, now).keySet();
      ArrayNode kids = node.put("valid", true).put("version", next.version()).putArray("signingKeys");
      valid.forEach(kids::add);
    } catch (KeySetRejectedException e) {
      node.put("valid", false).put("reason", e.reason().name());
    } catch (Exception e) {
      throw new IllegalStateException(name + ": " + e, e);
    }
  }

  private byte[] sign(KeySet keySet, LocalKeySigner root) {
    return CoseSign1.sign(root, KeySet.CONTENT_TYPE, documents.write(keySet));
  }

  private static RootKey root(LocalKeySigner s) {
    return new RootKey(s.kid(), P256.rawHex(s.publicKey()));
  }

  private static SigningKey key(LocalKeySigner s, Instant notBefore, Instant notAfter) {
    return new SigningKey(s.kid(), P256.rawHex(s.publicKey()), notBefore.toString(), notAfter.toString());
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
