package com.kivyx.ota.publish;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.store.StoredObject;
import com.kivyx.ota.verify.ChannelVerifier;
import com.kivyx.ota.verify.DocumentRejectedException;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Applies a change to a channel's signed index: read it (and check its signature), apply the
 * change, prune, sign version + 1 with a fresh expiry, and compare-and-swap it into the store.
 * A writer that loses the race reads again and reapplies its change, so concurrent publishers
 * never lose an update and versions only grow.
 */
public final class ChannelIndexUpdater {
  public static final Duration DEFAULT_TTL = Duration.ofDays(7);
  private static final int MAX_ATTEMPTS = 25;

  private final ArtifactStore store;
  private final Signer signer;
  private final ChannelVerifier verifier;
  private final Clock clock;
  private final Duration ttl;
  private final Progress progress;
  private final Documents documents = new Documents();

  /**
   * @param trustedKeys keys besides the signer's whose indexes may be built upon (a key being rotated out)
   */
  public ChannelIndexUpdater(
      ArtifactStore store, Signer signer, Map<String, ECPublicKey> trustedKeys, Clock clock, Duration ttl, Progress progress) {
    if (ttl.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new PublishException("the index TTL must be at least one minute, got " + ttl);
    }
    Map<String, ECPublicKey> keys = new HashMap<>(trustedKeys);
    keys.put(signer.kid(), signer.publicKey());
    this.store = store;
    this.signer = signer;
    this.verifier = new ChannelVerifier(keys);
    this.clock = clock;
    this.ttl = ttl;
    this.progress = progress;
  }

  public IndexUpdate apply(ChannelId channel, ChannelChange change) {
    String key = StoreLayout.index(channel);
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Optional<StoredObject> current = store.read(key);
      ChannelState state = current.map(o -> ChannelState.of(open(channel, o.bytes()))).orElse(ChannelState.empty());
      ChannelState changed = change.apply(state);
      List<ChannelRelease> releases = ChannelPruner.prune(changed.releases());
      if (current.isPresent() && !change.alwaysSign() && releases.equals(state.releases())
          && changed.revoked().equals(state.revoked()) && changed.minVersionCode() == state.minVersionCode()) {
        // Nothing to change: keep the signed bytes (and the version devices have seen).
        progress.step("channel " + channel + ": " + change.describe() + " changes nothing; index stays at version " + state.version());
        byte[] cose = current.get().bytes();
        return new IndexUpdate(open(channel, cose), key, Sha256.hex(cose), cose, attempt);
      }
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      ChannelIndex index =
          new ChannelIndex(
              ChannelIndex.SCHEMA,
              channel.appId(),
              channel.platform(),
              channel.channel(),
              state.version() + 1,
              now.toString(),
              now.plus(ttl).toString(),
              changed.minVersionCode(),
              releases,
              changed.revoked());
      byte[] cose = CoseSign1.sign(signer, ChannelIndex.CONTENT_TYPE, documents.write(index));
      if (store.compareAndSwap(key, cose, current.map(StoredObject::etag), StoreLayout.COSE_CONTENT_TYPE)) {
        progress.step(
            "channel " + channel + ": " + change.describe() + " -> index version " + index.version()
                + ", " + index.releases().size() + " release(s), expires " + index.expiresAt());
        return new IndexUpdate(index, key, Sha256.hex(cose), cose, attempt);
      }
      progress.step("index of " + channel + " changed while we wrote it; retrying (" + attempt + ")");
      sleepBeforeRetry(attempt);
    }
    throw new PublishException(
        "could not update " + key + " after " + MAX_ATTEMPTS + " attempts: other publishers keep changing it; try again");
  }

  /** The index in the store, checked but not for freshness: an expired index is what a re-sign builds on. */
  private ChannelIndex open(ChannelId channel, byte[] cose) {
    try {
      return verifier.openIndex(channel, cose);
    } catch (DocumentRejectedException e) {
      String hint = e.reason() == DocumentRejectedException.Reason.SIGNATURE
          ? "; if you are rotating keys, trust the old public key too (--trust-pubkey)"
          : "; the store is damaged or the index was copied to the wrong place";
      throw new PublishException("the current channel index cannot be built upon: " + e.getMessage() + hint, e);
    }
  }

  private static void sleepBeforeRetry(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * Math.min(attempt, 10)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while updating the channel index", e);
    }
  }
}
