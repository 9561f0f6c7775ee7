package com.kivyx.ota.publish;

import com.kivyx.ota.format.Asset;
import com.kivyx.ota.format.AttestationRef;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.LogEntryRef;
import com.kivyx.ota.format.Provenance;
import com.kivyx.ota.provenance.AttestationRejectedException;
import com.kivyx.ota.provenance.AttestationVerifier;
import com.kivyx.ota.provenance.EcdsaDer;
import com.kivyx.ota.provenance.ProvenanceStatement;
import com.kivyx.ota.provenance.Subject;
import com.kivyx.ota.provenance.VerifiedAttestation;
import com.kivyx.ota.signing.CborItem;
import com.kivyx.ota.signing.CborReader;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.transparency.HashedRekord;
import com.kivyx.ota.transparency.LoggedEntry;
import com.kivyx.ota.transparency.TransparencyLogException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The provenance steps of a publish: check the attestation against the policy and the files,
 * and log signatures, storing each log answer as a blob before anything points at it.
 */
final class ReleaseProvenance {
  static final String ATTESTATION_CONTENT_TYPE = "application/vnd.dsse.envelope.v1+json";
  static final String LOG_ENTRY_CONTENT_TYPE = "application/json";

  private final ArtifactStore store;
  private final ProvenancePolicy policy;
  private final Progress progress;
  private final Documents documents = new Documents();

  ReleaseProvenance(ArtifactStore store, ProvenancePolicy policy, Progress progress) {
    this.store = store;
    this.policy = policy;
    this.progress = progress;
  }

  /** The manifest's {@code provenance}, or empty when there is no attestation and none is required. */
  Optional<Provenance> attest(String appId, Optional<byte[]> attestation, Asset launch, List<Asset> assets) {
    if (attestation.isEmpty()) {
      if (policy.attestation() == ProvenancePolicy.Requirement.REQUIRED) {
        throw new PublishException("provenance is required on this channel and the release has no attestation; make one with 'kivyx-ota attest' in CI");
      }
      return Optional.empty();
    }
    List<Subject> files = new ArrayList<>();
    files.add(new Subject(launch.path(), launch.sha256()));
    assets.forEach(a -> files.add(new Subject(a.path(), a.sha256())));
    VerifiedAttestation verified;
    try {
      verified = new AttestationVerifier(policy.builderKeys(), documents.mapper()).verify(attestation.get(), files);
    } catch (AttestationRejectedException e) {
      throw new PublishException("attestation refused (" + e.reason() + "): " + e.getMessage());
    }
    byte[] bytes = attestation.get();
    String sha = Sha256.hex(bytes);
    String key = StoreLayout.blob(appId, sha);
    store.putImmutable(key, bytes, ATTESTATION_CONTENT_TYPE);
    progress.step("attestation by builder key " + verified.builderKeyId() + " (" + verified.builderId() + ", commit " + verified.sourceCommit() + ") stored as " + key);
    HashedRekord logged =
        new HashedRekord(
            sha256(verified.envelope().pae()), verified.envelope().signatureDer(),
            policy.builderKeys().get(verified.builderKeyId()).getEncoded());
    LogEntryRef entry = log(appId, logged, "attestation").orElse(null);
    return Optional.of(
        new Provenance(
            new AttestationRef(key, sha, bytes.length, ProvenanceStatement.PREDICATE_TYPE), entry, verified.builderId(), verified.sourceCommit()));
  }

  /** Logs a signed manifest's signature: SHA-256 of its {@code Sig_structure}, its signature as DER, the signer's SPKI. */
  Optional<LogEntryRef> logManifest(String appId, byte[] cose, Signer signer) {
    CborItem item;
    try {
      item = CborReader.decode(cose);
    } catch (com.kivyx.ota.signing.CoseRejectedException e) {
      throw new IllegalStateException("we just wrote this COSE_Sign1 document; it must parse", e);
    }
    if (!(item instanceof CborItem.Tagged tagged && tagged.content() instanceof CborItem.Array array
        && array.items().get(0) instanceof CborItem.Bytes header && array.items().get(2) instanceof CborItem.Bytes payload
        && array.items().get(3) instanceof CborItem.Bytes signature)) {
      throw new IllegalStateException("we just wrote this COSE_Sign1 document; it must parse");
    }
    byte[] toBeSigned = CoseSign1.toBeSigned(header.value(), payload.value());
    return log(appId, new HashedRekord(sha256(toBeSigned), EcdsaDer.fromRs(signature.value()), signer.publicKey().getEncoded()), "manifest");
  }

  private Optional<LogEntryRef> log(String appId, HashedRekord entry, String what) {
    if (policy.log().isEmpty()) {
      return Optional.empty();
    }
    LoggedEntry logged;
    try {
      logged = policy.log().get().log(entry);
    } catch (TransparencyLogException e) {
      if (policy.logging() == ProvenancePolicy.Requirement.REQUIRED) {
        throw new PublishException("the " + what + " could not be logged and logging is required, so nothing was published: " + e.getMessage(), e);
      }
      progress.step("WARNING: the " + what + " is published without a log entry: " + e.getMessage());
      return Optional.empty();
    }
    byte[] json = logged.json();
    String sha = Sha256.hex(json);
    String key = StoreLayout.blob(appId, sha);
    store.putImmutable(key, json, LOG_ENTRY_CONTENT_TYPE);
    progress.step("logged the " + what + " at index " + logged.logIndex() + " of " + logged.origin() + " (tree size " + logged.treeSize() + "), entry stored as " + key);
    return Optional.of(new LogEntryRef(key, sha, json.length, logged.origin(), logged.logIndex()));
  }

  private static byte[] sha256(byte[] data) {
    MessageDigest digest = Sha256.newDigest();
    return digest.digest(data);
  }
}
