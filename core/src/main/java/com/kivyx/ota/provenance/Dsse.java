package com.kivyx.ota.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kivyx.ota.format.CanonicalJson;
import com.kivyx.ota.signing.Signer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * DSSE envelopes (secure-systems-lab/dsse protocol v1): the signature is over the
 * pre-authentication encoding {@code "DSSEv1" SP len(type) SP type SP len(body) SP body}, and
 * is ASN.1 DER ECDSA P-256/SHA-256 as Sigstore writes it (so the same bytes can be logged as a
 * hashedrekord).
 */
public final class Dsse {
  public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

  private Dsse() {}

  /** One signed envelope: the payload, its type, and the single signature we accept. */
  public record Envelope(String payloadType, byte[] payload, String keyId, byte[] signatureDer) {
    public Envelope {
      payload = payload.clone();
      signatureDer = signatureDer.clone();
    }

    public byte[] pae() {
      return Dsse.pae(payloadType, payload);
    }

    public byte[] toJson(ObjectMapper mapper) {
      ObjectNode node = mapper.createObjectNode();
      node.put("payload", Base64.getEncoder().encodeToString(payload));
      node.put("payloadType", payloadType);
      node.putArray("signatures").addObject().put("keyid", keyId).put("sig", Base64.getEncoder().encodeToString(signatureDer));
      return CanonicalJson.write(node);
    }
  }

  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(type);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  public static Envelope sign(Signer signer, String payloadType, byte[] payload) {
    byte[] rs = signer.sign(pae(payloadType, payload));
    return new Envelope(payloadType, payload, signer.kid(), EcdsaDer.fromRs(rs));
  }

  /** Reads an envelope with exactly one signature (Sigstore bundles allow no more). */
  public static Envelope read(byte[] json, ObjectMapper mapper) throws AttestationRejectedException {
    JsonNode node;
    try {
      node = mapper.readTree(json);
    } catch (IOException e) {
      throw new AttestationRejectedException(AttestationRejectedException.Reason.MALFORMED, "the attestation is not JSON: " + e.getMessage());
    }
    if (node == null || !node.path("payload").isTextual() || !node.path("payloadType").isTextual()
        || !node.path("signatures").isArray() || node.path("signatures").size() != 1
        || !node.path("signatures").get(0).path("sig").isTextual()) {
      throw new AttestationRejectedException(
          AttestationRejectedException.Reason.MALFORMED, "the attestation is not a DSSE envelope with exactly one signature");
    }
    JsonNode sig = node.path("signatures").get(0);
    try {
      return new Envelope(
          node.path("payloadType").asText(),
          Base64.getDecoder().decode(node.path("payload").asText()),
          sig.path("keyid").asText(""),
          Base64.getDecoder().decode(sig.path("sig").asText()));
    } catch (IllegalArgumentException e) {
      throw new AttestationRejectedException(AttestationRejectedException.Reason.MALFORMED, "the attestation's payload or signature is not base64");
    }
  }
}
