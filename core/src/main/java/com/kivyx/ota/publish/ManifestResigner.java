package com.kivyx.ota.publish;

import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.ManifestRef;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.signing.CoseRejectedException;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.store.StoredObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-signs the manifests a channel offers with the current key, after a key is revoked or
 * rotated out: the same payload under a new signature, stored at its new content address, and
 * the index entry pointed at it. Devices that trust only the new key set then accept them.
 */
public final class ManifestResigner {
  private final ArtifactStore store;
  private final Signer signer;
  private final Progress progress;

  public ManifestResigner(ArtifactStore store, Signer signer, Progress progress) {
    this.store = store;
    this.signer = signer;
    this.progress = progress;
  }

  /** A change that re-signs every offered manifest not signed by this signer, then the index (always). */
  public ChannelChange resignAll() {
    return new ChannelChange() {
      @Override
      public ChannelState apply(ChannelState current) {
        List<ChannelRelease> releases = new ArrayList<>();
        for (ChannelRelease entry : current.releases()) {
          releases.add(resign(entry));
        }
        return new ChannelState(current.version(), current.minVersionCode(), releases, current.revoked());
      }

      @Override
      public String describe() {
        return "re-sign manifests with " + signer.kid();
      }

      @Override
      public boolean alwaysSign() {
        return true;
      }
    };
  }

  /**
   * The entry unchanged when its manifest is signed by this signer, otherwise pointing at a
   * copy signed by it. The old bytes are trusted because the index entry (already verified)
   * signs their SHA-256.
   */
  public ChannelRelease resign(ChannelRelease entry) {
    ManifestRef ref = entry.manifest();
    byte[] cose = store.read(ref.url()).map(StoredObject::bytes)
        .orElseThrow(() -> new PublishException("manifest of release " + entry.releaseId() + " is missing at " + ref.url() + "; the store is damaged"));
    if (cose.length != ref.size() || !Sha256.hex(cose).equals(ref.sha256())) {
      throw new PublishException("manifest of release " + entry.releaseId() + " at " + ref.url() + " does not match its index entry; the store is damaged");
    }
    byte[] payload;
    try {
      if (CoseSign1.kidOfAuthenticated(cose).equals(signer.kid())) {
        return entry;
      }
      payload = CoseSign1.payloadOfAuthenticated(cose);
    } catch (CoseRejectedException e) {
      throw new PublishException("manifest of release " + entry.releaseId() + " is not a COSE_Sign1 document: " + e.getMessage(), e);
    }
    byte[] resigned = CoseSign1.sign(signer, ReleaseManifest.CONTENT_TYPE, payload);
    String sha256 = Sha256.hex(resigned);
    String url = ref.url().substring(0, ref.url().lastIndexOf('/') + 1) + sha256;
    store.putImmutable(url, resigned, StoreLayout.COSE_CONTENT_TYPE);
    progress.step("release " + entry.releaseId() + ": manifest re-signed with " + signer.kid() + " -> " + url);
    // no transparency entry: the logged one names the old signature, and a re-signed manifest is not logged (yet)
    return new ChannelRelease(entry.releaseId(), entry.versionCode(), entry.runtimeVersion(), new ManifestRef(url, sha256, resigned.length), entry.rollout(), null);
  }
}
