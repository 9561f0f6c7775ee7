package com.kivyx.ota.dashboard.writes;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.ChannelIndexUpdater;
import com.kivyx.ota.publish.IndexUpdate;
import com.kivyx.ota.publish.PublishException;
import com.kivyx.ota.publish.StaleIndexException;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.StoreException;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static-mode writes: exactly what {@code kivyx-ota rollout} does (the core
 * {@link ChannelIndexUpdater}: read and check the index, change, sign version + 1, compare-and-swap),
 * but only on the index version the person saw, so a concurrent change is refused, not overwritten.
 */
public final class ChannelWrites {
  private static final Logger log = LoggerFactory.getLogger(ChannelWrites.class);

  private final ChannelIndexUpdater updater;
  private final String kid;

  /** @param trustedKeys keys besides the signer's whose index may be built upon (the dashboard's pinned keys) */
  public ChannelWrites(ArtifactStore store, Signer signer, Map<String, ECPublicKey> trustedKeys, Clock clock, Duration ttl) {
    this.updater = new ChannelIndexUpdater(store, signer, trustedKeys, clock, ttl, log::info);
    this.kid = signer.kid();
  }

  /** The key id new indexes are signed with, for the page. */
  public String kid() {
    return kid;
  }

  public WriteResult apply(ChannelId channel, ChannelWrite write, long seenVersion) {
    ChannelChange change = write.change();
    try {
      IndexUpdate update = updater.apply(channel, ChannelChange.onVersion(seenVersion, change));
      if (update.index().version() == seenVersion) {
        return WriteResult.done("Nothing to change: " + change.describe() + " leaves the index as it is; it stays at version " + seenVersion + ".", seenVersion);
      }
      return WriteResult.done("Signed index version " + update.index().version() + " (" + change.describe() + ", key " + kid
          + "), expires " + update.index().expiresAt() + ". Devices see it at their next poll.", update.index().version());
    } catch (StaleIndexException e) {
      return WriteResult.refused(409, "Conflict: the index is now at version " + e.found() + ", not version " + e.expected()
          + " that this page showed; someone else changed the channel meanwhile. Nothing was written. Reload the page, check, and try again.");
    } catch (PublishException e) {
      return WriteResult.refused(422, "Refused: " + e.getMessage() + ". Nothing was written.");
    } catch (StoreException e) {
      log.warn("channel write to {} failed: {}", channel, e.getMessage());
      return WriteResult.refused(502, "The store failed: " + e.getMessage() + ". Check that it is reachable; the index may or may not have changed, reload to see.");
    }
  }
}
