package com.kivyx.ota.transparency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.signing.Es256;
import com.kivyx.ota.transparency.LogEntryRejectedException.Reason;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Checks a Rekor v2 TransparencyLogEntry offline against pinned logs: the checkpoint's
 * signature, that the top-level index, the proof's index and tree size and the checkpoint's
 * size agree (two bindings sigstore-java 2.0.0 does not check), the RFC 9162 inclusion proof,
 * and that the entry logs exactly the expected digest, signature and signer.
 */
public final class LogEntryVerifier {
  private final List<LogKey> logs;
  private final ObjectMapper mapper;

  public LogEntryVerifier(List<LogKey> logs, ObjectMapper mapper) {
    if (logs.isEmpty()) {
      throw new IllegalArgumentException("at least one pinned transparency log is needed");
    }
    this.logs = List.copyOf(logs);
    this.mapper = mapper;
  }

  /**
   * @param expected what must have been logged; {@code signatureRs} compares as {@code r‖s}
   *     (the logged DER is decoded), so re-encodings of one signature are the same signature
   */
  public LoggedEntry verify(byte[] json, Expected expected) throws LogEntryRejectedException {
    LoggedEntry entry = verifyInclusion(json);
    HashedRekord body = entry.body();
    if (!MessageDigest.isEqual(body.digest(), expected.digest())) {
      throw new LogEntryRejectedException(Reason.WRONG_ENTRY, "the log entry is for another digest (another document)");
    }
    if (!MessageDigest.isEqual(body.signerSpki(), expected.signerSpki())) {
      throw new LogEntryRejectedException(Reason.WRONG_ENTRY, "the log entry names another signer's key");
    }
    byte[] rs;
    try {
      rs = Es256.derToRs(body.signatureDer());
    } catch (RuntimeException e) {
      throw new LogEntryRejectedException(Reason.WRONG_ENTRY, "the logged signature is not a DER ECDSA signature");
    }
    if (!MessageDigest.isEqual(rs, expected.signatureRs())) {
      throw new LogEntryRejectedException(Reason.WRONG_ENTRY, "the log entry holds another signature than the document's");
    }
    return entry;
  }

  /** Everything but the binding to a document: the entry is in the pinned log. For the auditor too. */
  public LoggedEntry verifyInclusion(byte[] json) throws LogEntryRejectedException {
    JsonNode tle;
    try {
      tle = mapper.readTree(json);
    } catch (IOException e) {
      throw new LogEntryRejectedException(Reason.MALFORMED, "the log entry is not JSON: " + e.getMessage());
    }
    if (tle == null || !tle.isObject()) {
      throw new LogEntryRejectedException(Reason.MALFORMED, "the log entry is not a JSON object");
    }
    byte[] keyId = Checkpoint.base64(tle.path("logId").path("keyId").asText(), "logId.keyId");
    LogKey log =
        logs.stream()
            .filter(l -> Arrays.equals(l.keyId(), keyId))
            .findFirst()
            .orElseThrow(() -> new LogEntryRejectedException(
                Reason.CHECKPOINT_SIGNATURE, "the log entry is from a log that is not pinned (logId "
                    + Base64.getEncoder().encodeToString(keyId) + ")"));
    JsonNode proof = tle.path("inclusionProof");
    Checkpoint checkpoint = Checkpoint.verify(proof.path("checkpoint").path("envelope").asText(), log);
    long logIndex = int64(tle.path("logIndex"), "logIndex");
    long proofIndex = int64(proof.path("logIndex"), "inclusionProof.logIndex");
    long treeSize = int64(proof.path("treeSize"), "inclusionProof.treeSize");
    if (logIndex != proofIndex) {
      throw new LogEntryRejectedException(
          Reason.INDEX_MISMATCH, "log index " + logIndex + " differs from the inclusion proof's " + proofIndex);
    }
    if (treeSize != checkpoint.size()) {
      throw new LogEntryRejectedException(
          Reason.INDEX_MISMATCH, "the proof is for tree size " + treeSize + " but the checkpoint is for " + checkpoint.size());
    }
    if (logIndex >= treeSize) {
      throw new LogEntryRejectedException(Reason.INDEX_MISMATCH, "log index " + logIndex + " is not in a tree of size " + treeSize);
    }
    byte[] rootHash = Checkpoint.base64(proof.path("rootHash").asText(), "inclusionProof.rootHash");
    if (!MessageDigest.isEqual(rootHash, checkpoint.rootHash())) {
      throw new LogEntryRejectedException(Reason.INCLUSION_PROOF, "the proof's root hash is not the checkpoint's");
    }
    List<byte[]> hashes = new ArrayList<>();
    for (JsonNode h : proof.path("hashes")) {
      hashes.add(Checkpoint.base64(h.asText(), "inclusion proof hash"));
    }
    byte[] body = Checkpoint.base64(tle.path("canonicalizedBody").asText(), "canonicalizedBody");
    if (!MerkleProofs.verifyInclusion(logIndex, treeSize, MerkleProofs.leafHash(body), hashes, checkpoint.rootHash())) {
      throw new LogEntryRejectedException(
          Reason.INCLUSION_PROOF, "the inclusion proof of entry " + logIndex + " does not lead to the checkpoint's root");
    }
    JsonNode bodyJson;
    try {
      bodyJson = mapper.readTree(body);
    } catch (IOException e) {
      throw new LogEntryRejectedException(Reason.MALFORMED, "the logged body is not JSON");
    }
    return new LoggedEntry(json, log.origin(), logIndex, treeSize, HashedRekord.fromBody(bodyJson));
  }

  /** Proto JSON writes int64 as a decimal string and leaves zero out; accept that and plain integers. */
  private static long int64(JsonNode node, String what) throws LogEntryRejectedException {
    if (node.isMissingNode()) {
      return 0;
    }
    String text = node.isIntegralNumber() ? node.asText() : node.isTextual() ? node.asText() : null;
    if (text == null || !text.matches("0|[1-9][0-9]{0,18}")) {
      throw new LogEntryRejectedException(Reason.MALFORMED, "the log entry's " + what + " is not a non-negative integer");
    }
    return Long.parseLong(text);
  }

  /** What a log entry must say: the signed bytes' SHA-256, the signature as {@code r‖s}, the signer's SPKI. */
  public record Expected(byte[] digest, byte[] signatureRs, byte[] signerSpki) {}
}
