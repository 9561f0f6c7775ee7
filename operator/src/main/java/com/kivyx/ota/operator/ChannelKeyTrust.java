package com.kivyx.ota.operator;

import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.format.ManifestRef;
import com.kivyx.ota.keys.KeySetLoader;
import com.kivyx.ota.keys.KeySetRejectedException;
import com.kivyx.ota.keys.KeySetVerifier;
import com.kivyx.ota.publish.ManifestResigner;
import com.kivyx.ota.publish.Progress;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Channel's {@code spec.keys}: which keys the index being built upon may be signed by (the
 * app's key set, the previous key), that the signing key is one devices accept, and the live
 * manifests re-signed with it. Re-signed manifests are remembered, so a rotation reads each
 * manifest from the store once, not on every reconcile.
 */
final class ChannelKeyTrust {
  private static final int MAX_REMEMBERED = 10_000;
  private final Map<String, ManifestRef> resigned = new ConcurrentHashMap<>();

  /** What one reconcile of {@code channel} trusts and re-signs. */
  record Plan(Map<String, ECPublicKey> buildUpon, boolean resign) {}

  /**
   * @throws ChannelConfigException when the key set cannot be trusted or does not accept the signing key now
   */
  Plan plan(Channel channel, ArtifactStore store, Signer signer, Instant now) {
    ChannelSpec.Keys keys = channel.getSpec().keys();
    if (keys == null) {
      return new Plan(Map.of(), false);
    }
    Map<String, ECPublicKey> trusted = new LinkedHashMap<>(publicKeys(keys.previousKeys(), "previousKeys"));
    List<ChannelSpec.PublicKey> roots = keys.keySetRoots() == null ? List.of() : keys.keySetRoots();
    if (!roots.isEmpty()) {
      KeySet keySet = keySet(channel, store, publicKeys(roots, "keySetRoots"), now);
      Map<String, ECPublicKey> valid = keySet.keysValidAt(now);
      if (!signer.publicKey().equals(valid.get(signer.kid()))) {
        throw new ChannelConfigException("signingKey '" + signer.kid() + "' is not a key of key set version " + keySet.version()
            + " valid now (valid: " + String.join(", ", valid.keySet()) + "); add it with 'kivyx-ota keys rotate' before switching to it");
      }
      trusted.putAll(keySet.allSigningKeys());
    }
    return new Plan(trusted, true);
  }

  /** The entry with a manifest signed by {@code signer}. */
  ChannelRelease resign(ArtifactStore store, Signer signer, ChannelRelease entry, Progress progress) {
    String key = store.describe() + " " + signer.kid() + " " + entry.manifest().sha256();
    ManifestRef known = resigned.get(key);
    if (known != null) {
      // no transparency entry: the logged one names the old signature (see ManifestResigner)
      return new ChannelRelease(entry.releaseId(), entry.versionCode(), entry.runtimeVersion(), known, entry.rollout(), null);
    }
    ChannelRelease done = new ManifestResigner(store, signer, progress).resign(entry);
    if (resigned.size() >= MAX_REMEMBERED) {
      resigned.clear();
    }
    resigned.put(key, done.manifest());
    return done;
  }

  private static KeySet keySet(Channel channel, ArtifactStore store, Map<String, ECPublicKey> roots, Instant now) {
    String appId = channel.getSpec().appId();
    try {
      return new KeySetLoader(store, new KeySetVerifier(appId, roots)).load(Optional.empty(), now);
    } catch (KeySetRejectedException e) {
      throw new ChannelConfigException("keys.keySetRoots of Channel " + channel.getMetadata().getNamespace() + "/" + channel.getMetadata().getName()
          + ": " + e.getMessage());
    }
  }

  private static Map<String, ECPublicKey> publicKeys(List<ChannelSpec.PublicKey> keys, String field) {
    Map<String, ECPublicKey> out = new LinkedHashMap<>();
    if (keys != null) {
      for (ChannelSpec.PublicKey k : keys) {
        try {
          out.put(k.kid(), P256.publicKeyFromRawHex(k.publicKeyHex()));
        } catch (IllegalArgumentException e) {
          throw new ChannelConfigException("keys." + field + " '" + k.kid() + "': " + e.getMessage());
        }
      }
    }
    return out;
  }
}
