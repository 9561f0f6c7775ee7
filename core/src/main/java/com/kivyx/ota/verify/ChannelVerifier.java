package com.kivyx.ota.verify;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.InvalidDocumentException;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.signing.CoseRejectedException;
import com.kivyx.ota.signing.CoseVerifier;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.verify.DocumentRejectedException.Reason;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Map;

/**
 * The one place that opens a channel's signed documents the way a device does. The server (before
 * it serves an index), {@code kivyx-ota verify} and the publisher (before it builds on the index
 * in the store) all go through here, so a rule added to the agreement between index and manifest
 * is added once. Freshness is a separate step: the publisher must build on an expired index to
 * re-sign it.
 */
public final class ChannelVerifier {
  private final CoseVerifier cose;
  private final Documents documents = new Documents();

  public ChannelVerifier(Map<String, ECPublicKey> pinnedKeys) {
    this.cose = new CoseVerifier(pinnedKeys);
  }

  /** Signature, format and identity: the index verifies and is about {@code id}. */
  public ChannelIndex openIndex(ChannelId id, byte[] indexCose) throws DocumentRejectedException {
    ChannelIndex index;
    try {
      index = documents.readChannelIndex(cose.verify(indexCose, ChannelIndex.CONTENT_TYPE).payload());
    } catch (CoseRejectedException e) {
      throw new DocumentRejectedException(
          Reason.SIGNATURE, id + ": index refused (" + e.getMessage() + "); check that the pinned public keys include the publisher's key");
    } catch (InvalidDocumentException e) {
      throw new DocumentRejectedException(Reason.INVALID, id + ": index is not a valid channel index: " + e.getMessage());
    }
    if (!id.isNamedBy(index)) {
      throw new DocumentRejectedException(
          Reason.WRONG_CHANNEL,
          id + ": the signed index is for " + index.appId() + "/" + index.platform() + "/" + index.channel() + "; it was copied to the wrong place");
    }
    return index;
  }

  /** An index is served and acted on only before it expires (bounds freeze and replay). */
  public void requireFresh(ChannelId id, ChannelIndex index, Instant now) throws DocumentRejectedException {
    if (!now.isBefore(index.expiresAtInstant())) {
      throw new DocumentRejectedException(
          Reason.EXPIRED, id + ": index version " + index.version() + " expired at " + index.expiresAt() + "; re-sign it (kivyx-ota rollout --resign, or publish)");
    }
  }

  /** Size and SHA-256 as the index entry signs them, the manifest's signature, and its agreement with the entry. */
  public ReleaseManifest openManifest(ChannelId id, ChannelRelease entry, byte[] manifestCose) throws DocumentRejectedException {
    String label = id + ": manifest of release " + entry.releaseId();
    if (manifestCose.length != entry.manifest().size() || !Sha256.hex(manifestCose).equals(entry.manifest().sha256())) {
      throw new DocumentRejectedException(
          Reason.MANIFEST_INVALID,
          label + " at " + entry.manifest().url() + " is " + manifestCose.length + " bytes with SHA-256 " + Sha256.hex(manifestCose)
              + "; the index signs " + entry.manifest().size() + " bytes with SHA-256 " + entry.manifest().sha256());
    }
    ReleaseManifest manifest;
    try {
      manifest = documents.readReleaseManifest(cose.verify(manifestCose, ReleaseManifest.CONTENT_TYPE).payload());
    } catch (CoseRejectedException | InvalidDocumentException e) {
      throw new DocumentRejectedException(Reason.MANIFEST_INVALID, label + " refused: " + e.getMessage());
    }
    if (!manifest.releaseId().equals(entry.releaseId())
        || manifest.versionCode() != entry.versionCode()
        || !manifest.runtimeVersion().equals(entry.runtimeVersion())
        || !manifest.appId().equals(id.appId())
        || manifest.platform() != id.platform()) {
      throw new DocumentRejectedException(
          Reason.MANIFEST_INVALID,
          label + " (" + manifest.appId() + "/" + manifest.platform() + " " + manifest.releaseId() + ", versionCode "
              + manifest.versionCode() + ", runtime " + manifest.runtimeVersion() + ") does not match its index entry");
    }
    return manifest;
  }
}
