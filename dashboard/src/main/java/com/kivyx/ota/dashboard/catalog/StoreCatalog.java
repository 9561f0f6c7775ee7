package com.kivyx.ota.dashboard.catalog;

import com.kivyx.ota.delta.Brotli;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.DeltaRef;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.publish.ReleaseRecord;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.publish.StoreVerifier;
import com.kivyx.ota.publish.VerificationReport;
import com.kivyx.ota.signing.CoseRejectedException;
import com.kivyx.ota.signing.CoseVerifier;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.store.StoredObject;
import com.kivyx.ota.verify.ChannelVerifier;
import com.kivyx.ota.verify.DocumentRejectedException;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a store holds, read the way a device reads it: every channel index and manifest goes
 * through {@link ChannelVerifier} with the pinned keys, so the dashboard never shows a document a
 * device would refuse as if it were live. Reads block (S3): call from a worker thread.
 */
public final class StoreCatalog {
  private final ArtifactStore store;
  private final Map<String, ECPublicKey> pinnedKeys;
  private final ChannelVerifier verifier;
  private final CoseVerifier cose;
  private final Clock clock;
  private final Documents documents = new Documents();
  /** Compressed size by launch-asset SHA-256: content-addressed, so it never goes stale. */
  private final Map<String, Long> compressedSizes = new ConcurrentHashMap<>();

  public StoreCatalog(ArtifactStore store, Map<String, ECPublicKey> pinnedKeys, Clock clock) {
    this.store = store;
    this.pinnedKeys = Map.copyOf(pinnedKeys);
    this.verifier = new ChannelVerifier(pinnedKeys);
    this.cose = new CoseVerifier(pinnedKeys);
    this.clock = clock;
  }

  public String describe() {
    return store.describe();
  }

  /** Every channel with an index in the store, by app, channel name, then platform. */
  public List<ChannelId> channels() {
    return store.list("apps/").stream()
        .map(StoreLayout::channelOfIndex)
        .flatMap(Optional::stream)
        .sorted(Comparator.comparing(ChannelId::appId).thenComparing(ChannelId::channel).thenComparing(c -> c.platform().id()))
        .toList();
  }

  public ChannelState channel(ChannelId id) {
    String key = StoreLayout.index(id);
    Optional<StoredObject> stored = store.read(key);
    if (stored.isEmpty()) {
      return new ChannelState(id, Optional.empty(), Optional.empty(), Optional.of("no index at " + key + " in " + store.describe()), clock.instant());
    }
    byte[] bytes = stored.get().bytes();
    try {
      ChannelIndex index = verifier.openIndex(id, bytes);
      return new ChannelState(id, Optional.of(index), Optional.of(kid(bytes, ChannelIndex.CONTENT_TYPE)), Optional.empty(), clock.instant());
    } catch (DocumentRejectedException e) {
      return new ChannelState(id, Optional.empty(), Optional.empty(), Optional.of(e.getMessage()), clock.instant());
    }
  }

  /** The release as the channel offers it, or empty when the index has no such release. */
  public Optional<ReleaseDetail> release(ChannelId id, String releaseId) throws DocumentRejectedException {
    ChannelState state = channel(id);
    Optional<ChannelRelease> entry = state.release(releaseId);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    byte[] cose = manifestBytes(id, entry.get());
    ReleaseManifest manifest = verifier.openManifest(id, entry.get(), cose);
    long compressed = compressedSize(manifest);
    List<DeltaSaving> deltas = new ArrayList<>();
    for (DeltaRef delta : manifest.deltas()) {
      deltas.add(new DeltaSaving(delta, releaseWithLaunchAsset(id, state, delta.fromSha256()), compressed));
    }
    return Optional.of(new ReleaseDetail(state, entry.get(), manifest, kid(cose, ReleaseManifest.CONTENT_TYPE), compressed, deltas));
  }

  /** The checks of {@code kivyx-ota verify}: every problem by name. */
  public VerificationReport verify(ChannelId id) {
    return new StoreVerifier(store, pinnedKeys, clock).verify(id);
  }

  private byte[] manifestBytes(ChannelId id, ChannelRelease entry) throws DocumentRejectedException {
    return store.read(entry.manifest().url()).map(StoredObject::bytes).orElseThrow(() -> new DocumentRejectedException(
        DocumentRejectedException.Reason.MANIFEST_MISSING,
        id + ": manifest of release " + entry.releaseId() + " is missing at " + entry.manifest().url() + " in " + store.describe()));
  }

  private long compressedSize(ReleaseManifest manifest) {
    return compressedSizes.computeIfAbsent(manifest.launchAsset().sha256(),
        sha -> store.read(manifest.launchAsset().url()).map(o -> (long) Brotli.compress(o.bytes()).length).orElse(-1L));
  }

  private Optional<String> releaseWithLaunchAsset(ChannelId id, ChannelState state, String sha256) {
    for (ChannelRelease other : state.index().map(ChannelIndex::releases).orElse(List.of())) {
      try {
        if (verifier.openManifest(id, other, manifestBytes(id, other)).launchAsset().sha256().equals(sha256)) {
          return Optional.of(other.releaseId());
        }
      } catch (DocumentRejectedException e) {
        // a broken sibling is Verify's business; here it just cannot be named as a base
      }
    }
    // a base no longer on the channel (superseded, pruned): the publisher's records still name it
    for (String key : store.list(StoreLayout.releasesPrefix(id.appId(), id.platform()))) {
      Optional<ReleaseRecord> record = store.read(key).flatMap(o -> readRecord(o.bytes()));
      if (record.isPresent() && sha256.equals(record.get().launchAssetSha256())) {
        return Optional.of(record.get().releaseId());
      }
    }
    return Optional.empty();
  }

  private Optional<ReleaseRecord> readRecord(byte[] json) {
    try {
      return Optional.of(documents.mapper().readValue(json, ReleaseRecord.class));
    } catch (java.io.IOException e) {
      return Optional.empty(); // not ours to judge here; Verify does not read records either
    }
  }

  /** The signer's key id; the document already verified, so this cannot fail on a pinned key. */
  private String kid(byte[] document, String contentType) {
    try {
      return cose.verify(document, contentType).kid();
    } catch (CoseRejectedException e) {
      throw new IllegalStateException("a verified document failed a second verification: " + e.getMessage(), e);
    }
  }
}
