package com.kivyx.ota.publish;

import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.provenance.AttestationRejectedException;
import com.kivyx.ota.provenance.Dsse;
import com.kivyx.ota.signing.CborItem;
import com.kivyx.ota.signing.CborReader;
import com.kivyx.ota.signing.CoseRejectedException;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.store.StoreException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The digests an app's releases were signed over, as they appear in a transparency log: the
 * SHA-256 of each manifest's COSE {@code Sig_structure} and of each attestation's DSSE PAE.
 * What the auditor compares the log against.
 */
public final class PublishedSignatures {
  private final ArtifactStore store;
  private final Documents documents = new Documents();

  public PublishedSignatures(ArtifactStore store) {
    this.store = store;
  }

  /** Hex digest → what it is ("manifest of 1.0.0-1 (android)"). */
  public Map<String, String> of(String appId) {
    Map<String, String> out = new TreeMap<>();
    ReleaseRecords records = new ReleaseRecords(store);
    for (Platform platform : Platform.values()) {
      for (ReleaseRecord record : records.all(appId, platform)) {
        byte[] cose = read(record.manifest().url());
        if (!Sha256.hex(cose).equals(record.manifest().sha256())) {
          throw new StoreException("manifest " + record.manifest().url() + " does not match its SHA-256; the store is damaged");
        }
        String what = record.releaseId() + " (" + platform + ")";
        try {
          if (CborReader.decode(cose) instanceof CborItem.Tagged t && t.content() instanceof CborItem.Array a
              && a.items().get(0) instanceof CborItem.Bytes header && a.items().get(2) instanceof CborItem.Bytes payload) {
            out.put(Sha256.hex(CoseSign1.toBeSigned(header.value(), payload.value())), "manifest of " + what);
            ReleaseManifest manifest = documents.readReleaseManifest(payload.value());
            if (manifest.provenanceInfo().isPresent()) {
              byte[] attestation = read(manifest.provenanceInfo().get().attestation().url());
              out.put(Sha256.hex(Dsse.read(attestation, documents.mapper()).pae()), "attestation of " + what);
            }
          }
        } catch (CoseRejectedException | AttestationRejectedException e) {
          throw new StoreException("release " + what + " is unreadable: " + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  private byte[] read(String key) {
    return store.read(key).orElseThrow(() -> new StoreException("the store is missing " + key)).bytes();
  }
}
