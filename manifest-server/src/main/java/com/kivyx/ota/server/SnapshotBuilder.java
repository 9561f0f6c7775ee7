package com.kivyx.ota.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kivyx.ota.format.Asset;
import com.kivyx.ota.format.CanonicalJson;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.DeltaRef;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.expo.ExpoReleasePublisher;
import com.kivyx.ota.server.expo.ExpoChannel;
import com.kivyx.ota.server.expo.ExpoChannelBuilder;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.keys.KeySetRejectedException;
import com.kivyx.ota.keys.KeySetTrust;
import com.kivyx.ota.publish.ContentTypes;
import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.verify.ChannelVerifier;
import com.kivyx.ota.verify.DocumentRejectedException;
import com.kivyx.ota.verify.DocumentRejectedException.Reason;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a signed channel index the way a device would and, if it passes, builds the
 * {@link ChannelSnapshot} that serves it. Every source (store, S3, later Kubernetes) goes
 * through here, so no source can put an unverified index in front of devices.
 */
public final class SnapshotBuilder {
  /** Reads a manifest's COSE bytes by its store URL; empty when it is not there. */
  @FunctionalInterface
  public interface ManifestReader {
    Optional<byte[]> read(String url);
  }

  /** Label values of releases that left the index are kept up to this many per channel. */
  static final int MAX_KNOWN_RELEASES = 1_000;

  /** The keys a channel's documents must be signed with now: pinned ones, or those of the app's key set. */
  @FunctionalInterface
  public interface ChannelKeys {
    ChannelVerifier verifierFor(ChannelId channel) throws DocumentRejectedException;
  }

  private final ChannelKeys keys;
  private final Clock clock;
  private final Documents documents = new Documents();
  private final ExpoChannelBuilder expoBuilder = new ExpoChannelBuilder();

  public SnapshotBuilder(Map<String, ECPublicKey> pinnedKeys, Clock clock) {
    ChannelVerifier fixed = new ChannelVerifier(pinnedKeys);
    this.keys = channel -> fixed;
    this.clock = clock;
  }

  /** Verifies with the signing keys of each app's key set, trusted from pinned roots ({@code serve --trust-root}). */
  public SnapshotBuilder(KeySetTrust keySets, Clock clock) {
    this.keys = channel -> {
      try {
        return new ChannelVerifier(keySets.signingKeys(channel.appId()));
      } catch (KeySetRejectedException e) {
        throw new DocumentRejectedException(Reason.SIGNATURE, channel + ": the app's key set is refused (" + e.reason() + "): " + e.getMessage());
      }
    };
    this.clock = clock;
  }

  /**
   * @param previous the snapshot being served for this channel, if any: the new index must
   *     not be older, and its verified manifests are reused
   * @return {@code previous} itself when the bytes are the same
   */
  public ChannelSnapshot build(ChannelId key, byte[] cose, Optional<ChannelSnapshot> previous, ManifestReader manifests)
      throws DocumentRejectedException {
    if (previous.isPresent() && Arrays.equals(previous.get().indexCose(), cose)) {
      return previous.get();
    }
    ChannelVerifier verifier = keys.verifierFor(key);
    ChannelIndex index = verifier.openIndex(key, cose);
    verifier.requireFresh(key, index, clock.instant());
    if (previous.isPresent() && index.version() <= previous.get().index().version()) {
      throw new DocumentRejectedException(
          Reason.VERSION_REGRESSED,
          key + ": index version " + index.version() + " is not above the served version " + previous.get().index().version()
              + "; a replayed or rolled-back index is never served (publish a change to get a new version)");
    }
    Map<String, byte[]> previousManifests = previous.map(ChannelSnapshot::manifests).orElse(Map.of());
    Map<String, byte[]> verified = new HashMap<>();
    Map<String, String> blobTypes = new HashMap<>();
    Map<String, ReleaseManifest> byRelease = new HashMap<>();
    for (ChannelRelease entry : index.releases()) {
      byte[] manifestCose = previousManifests.get(entry.manifest().sha256());
      if (manifestCose == null) {
        manifestCose = readManifest(key, entry, manifests);
      }
      ReleaseManifest manifest = verifier.openManifest(key, entry, manifestCose);
      verified.put(entry.manifest().sha256(), manifestCose);
      byRelease.put(entry.releaseId(), manifest);
      blobTypes.put(entry.manifest().sha256(), StoreLayout.COSE_CONTENT_TYPE);
      blobTypes.put(manifest.launchAsset().sha256(), manifest.launchAsset().contentType());
      for (Asset asset : manifest.assets()) {
        blobTypes.put(asset.sha256(), asset.contentType());
      }
      for (DeltaRef delta : manifest.deltas()) {
        blobTypes.put(delta.sha256(), ContentTypes.DELTA);
      }
      manifest.codePushPackage().ifPresent(p -> blobTypes.put(p.sha256(), ContentTypes.ZIP));
    }
    Set<String> known = new HashSet<>(previous.map(ChannelSnapshot::knownReleases).orElse(Set.of()));
    for (ChannelRelease entry : index.releases()) {
      if (known.size() < MAX_KNOWN_RELEASES) {
        known.add(entry.releaseId());
      }
    }
    known.addAll(index.revoked().stream().limit(Math.max(0, MAX_KNOWN_RELEASES - known.size())).toList());
    ExpoChannel expo = expoBuilder.build(key.appId(), key.platform(), index, byRelease, known, manifests::read, previous.map(ChannelSnapshot::expo));
    expo.patches().values().forEach(p -> blobTypes.put(p.sha256(), ExpoReleasePublisher.PATCH_CONTENT_TYPE));
    return new ChannelSnapshot(
        key, index, cose.clone(), ETags.ofHex(Sha256.hex(cose)), answers(cose, index, verified), Map.copyOf(verified),
        Map.copyOf(blobTypes), Set.copyOf(known), expo);
  }

  private static byte[] readManifest(ChannelId key, ChannelRelease entry, ManifestReader manifests) throws DocumentRejectedException {
    return manifests.read(entry.manifest().url())
        .orElseThrow(
            () -> new DocumentRejectedException(
                Reason.MANIFEST_MISSING, key + ": manifest of release " + entry.releaseId() + " is missing at " + entry.manifest().url()));
  }

  /** Every body {@code /update} can answer with for this index, in canonical JSON. */
  private ChannelSnapshot.Answers answers(byte[] indexCose, ChannelIndex index, Map<String, byte[]> manifests) {
    Base64.Encoder base64 = Base64.getEncoder();
    String indexBase64 = base64.encodeToString(indexCose);
    Map<String, Answer[]> updates = new HashMap<>();
    for (ChannelRelease entry : index.releases()) {
      String manifestBase64 = base64.encodeToString(manifests.get(entry.manifest().sha256()));
      Answer[] pair = new Answer[2];
      for (int mandatory = 0; mandatory < 2; mandatory++) {
        ObjectNode body = answer(Decision.Kind.UPDATE, mandatory == 1, indexBase64);
        body.put("releaseId", entry.releaseId()).put("manifest", manifestBase64).put("manifestUrl", entry.manifest().url());
        pair[mandatory] = Answer.update(CanonicalJson.write(body));
      }
      updates.put(entry.releaseId(), pair);
    }
    return new ChannelSnapshot.Answers(
        Answer.update(CanonicalJson.write(answer(Decision.Kind.NONE, false, indexBase64))),
        Answer.update(CanonicalJson.write(answer(Decision.Kind.ROLL_BACK_TO_EMBEDDED, false, indexBase64))),
        Answer.update(CanonicalJson.write(answer(Decision.Kind.ROLL_BACK_TO_EMBEDDED, true, indexBase64))),
        Map.copyOf(updates));
  }

  private ObjectNode answer(Decision.Kind kind, boolean mandatory, String indexBase64) {
    return documents.mapper().createObjectNode().put("decision", kind.wireName()).put("mandatory", mandatory).put("index", indexBase64);
  }
}
