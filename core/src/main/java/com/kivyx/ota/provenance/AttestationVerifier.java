package com.kivyx.ota.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.provenance.AttestationRejectedException.Reason;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a release attestation before anything is published, in DSSE's order: the signature
 * over the PAE with a trusted builder key (the envelope's {@code keyid} is only a hint and
 * decides nothing), then the payload type, then the statement: its types, and that every file
 * of the release is a subject with the same SHA-256.
 */
public final class AttestationVerifier {
  private final Map<String, ECPublicKey> builderKeys;
  private final ObjectMapper mapper;

  /** @param builderKeys trusted builder keys by name (the name is reported, never trusted) */
  public AttestationVerifier(Map<String, ECPublicKey> builderKeys, ObjectMapper mapper) {
    this.builderKeys = Map.copyOf(builderKeys);
    this.mapper = mapper;
  }

  /** @param files the release's files (name in the manifest, SHA-256 of the bytes stored) */
  public VerifiedAttestation verify(byte[] envelopeJson, List<Subject> files) throws AttestationRejectedException {
    Dsse.Envelope envelope = Dsse.read(envelopeJson, mapper);
    String signer = signerOf(envelope);
    if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(envelope.payloadType())) {
      throw new AttestationRejectedException(Reason.WRONG_TYPE, "the attestation's payload type is '" + envelope.payloadType() + "', not in-toto");
    }
    JsonNode statement;
    try {
      statement = mapper.readTree(envelope.payload());
    } catch (IOException e) {
      throw new AttestationRejectedException(Reason.MALFORMED, "the attested statement is not JSON");
    }
    if (!ProvenanceStatement.STATEMENT_TYPE.equals(statement.path("_type").asText())
        || !ProvenanceStatement.PREDICATE_TYPE.equals(statement.path("predicateType").asText())) {
      throw new AttestationRejectedException(
          Reason.WRONG_TYPE, "the attestation is not an in-toto Statement v1 with a SLSA Provenance v1 predicate");
    }
    Map<String, String> attested = new HashMap<>();
    List<Subject> subjects = new ArrayList<>();
    for (JsonNode s : statement.path("subject")) {
      String name = s.path("name").asText();
      String sha = s.path("digest").path("sha256").asText();
      attested.put(name, sha);
      try {
        subjects.add(new Subject(name, sha));
      } catch (IllegalArgumentException e) {
        throw new AttestationRejectedException(Reason.MALFORMED, "attested " + e.getMessage());
      }
    }
    for (Subject file : files) {
      String sha = attested.get(file.name());
      if (sha == null) {
        throw new AttestationRejectedException(Reason.SUBJECT_MISMATCH, "the attestation does not name the release file " + file.name());
      }
      if (!sha.equals(file.sha256())) {
        throw new AttestationRejectedException(
            Reason.SUBJECT_MISMATCH, "the attestation is for other bytes of " + file.name() + " (attested " + sha + ", release has " + file.sha256() + ")");
      }
    }
    JsonNode predicate = statement.path("predicate");
    if (!ProvenanceStatement.BUILD_TYPE.equals(predicate.path("buildDefinition").path("buildType").asText())) {
      throw new AttestationRejectedException(Reason.WRONG_TYPE, "unknown build type " + predicate.path("buildDefinition").path("buildType"));
    }
    String commit = "";
    for (JsonNode dep : predicate.path("buildDefinition").path("resolvedDependencies")) {
      if (dep.path("digest").path("gitCommit").isTextual()) {
        commit = dep.path("digest").path("gitCommit").asText();
      }
    }
    JsonNode external = predicate.path("buildDefinition").path("externalParameters");
    return new VerifiedAttestation(
        signer, envelope, predicate.path("runDetails").path("builder").path("id").asText(), external.path("source").asText(), commit,
        external.path("buildCommand").asText(), subjects);
  }

  private String signerOf(Dsse.Envelope envelope) throws AttestationRejectedException {
    byte[] pae = envelope.pae();
    for (Map.Entry<String, ECPublicKey> key : builderKeys.entrySet()) {
      try {
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(key.getValue());
        verifier.update(pae);
        if (verifier.verify(envelope.signatureDer())) {
          return key.getKey();
        }
      } catch (GeneralSecurityException | RuntimeException e) {
        // not a valid signature under this key
      }
    }
    throw new AttestationRejectedException(
        Reason.UNKNOWN_BUILDER, "the attestation is not signed by a trusted builder key (" + builderKeys.size() + " trusted: "
            + String.join(", ", new java.util.TreeSet<>(builderKeys.keySet())) + "); if it is your CI key, trust it (--builder-pubkey, or the Channel's spec.provenance.builderKeys)");
  }
}
