package com.kivyx.ota.transparency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kivyx.ota.transparency.LogEntryRejectedException.Reason;
import java.util.Arrays;
import java.util.Base64;

/**
 * A Rekor v2 {@code hashedrekord} v0.0.2: "the holder of key {@code signerSpki} signed the
 * SHA-256 {@code digest}, and this is the DER signature". What we log for a release manifest
 * (digest of its COSE {@code Sig_structure}) and for an attestation (digest of its DSSE PAE).
 */
public record HashedRekord(byte[] digest, byte[] signatureDer, byte[] signerSpki) {
  public static final String KIND = "hashedrekord";
  public static final String API_VERSION = "0.0.2";
  public static final String KEY_DETAILS = "PKIX_ECDSA_P256_SHA_256";

  public HashedRekord {
    if (digest.length != 32) {
      throw new IllegalArgumentException("a hashedrekord digest is a 32-byte SHA-256, got " + digest.length + " bytes");
    }
    digest = digest.clone();
    signatureDer = signatureDer.clone();
    signerSpki = signerSpki.clone();
  }

  /** The body of {@code POST /api/v2/log/entries}. */
  public ObjectNode request(ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    ObjectNode req = root.putObject("hashedRekordRequestV002");
    Base64.Encoder b64 = Base64.getEncoder();
    req.put("digest", b64.encodeToString(digest));
    ObjectNode signature = req.putObject("signature");
    signature.put("content", b64.encodeToString(signatureDer));
    ObjectNode verifier = signature.putObject("verifier");
    verifier.putObject("publicKey").put("rawBytes", b64.encodeToString(signerSpki));
    verifier.put("keyDetails", KEY_DETAILS);
    return root;
  }

  /** Reads a logged body ({@code canonicalizedBody}, decoded). */
  public static HashedRekord fromBody(JsonNode body) throws LogEntryRejectedException {
    if (!KIND.equals(body.path("kind").asText()) || !API_VERSION.equals(body.path("apiVersion").asText())) {
      throw new LogEntryRejectedException(
          Reason.WRONG_ENTRY, "the log entry is a " + body.path("kind").asText() + " " + body.path("apiVersion").asText()
              + ", not a hashedrekord " + API_VERSION);
    }
    JsonNode spec = body.path("spec").path("hashedRekordV002");
    if (!"SHA2_256".equals(spec.path("data").path("algorithm").asText())) {
      throw new LogEntryRejectedException(Reason.WRONG_ENTRY, "the log entry's digest is not SHA2_256");
    }
    return new HashedRekord(
        text(spec.path("data").path("digest"), "digest"),
        text(spec.path("signature").path("content"), "signature"),
        text(spec.path("signature").path("verifier").path("publicKey").path("rawBytes"), "public key"));
  }

  private static byte[] text(JsonNode node, String what) throws LogEntryRejectedException {
    if (!node.isTextual()) {
      throw new LogEntryRejectedException(Reason.MALFORMED, "the log entry body has no " + what);
    }
    byte[] bytes = Checkpoint.base64(node.asText(), "log entry " + what);
    if (what.equals("digest") && bytes.length != 32) {
      throw new LogEntryRejectedException(Reason.WRONG_ENTRY, "the log entry's digest is not 32 bytes");
    }
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HashedRekord h && Arrays.equals(h.digest, digest) && Arrays.equals(h.signatureDer, signatureDer)
        && Arrays.equals(h.signerSpki, signerSpki);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }
}
