package com.kivyx.ota.signing;

import java.nio.charset.StandardCharsets;

/**
 * Writes tagged COSE_Sign1 documents in the project's profile (RFC 9052): ES256, protected
 * header {@code {1: -7, 3: content type, 4: kid}}, empty unprotected header, embedded payload,
 * empty external AAD.
 */
public final class CoseSign1 {
  public static final long TAG = 18;
  public static final long HEADER_ALG = 1;
  public static final long HEADER_CONTENT_TYPE = 3;
  public static final long HEADER_KID = 4;
  public static final long ALG_ES256 = -7;

  private CoseSign1() {}

  public static byte[] sign(Signer signer, String contentType, byte[] payload) {
    byte[] protectedHeader = protectedHeader(contentType, signer.kid());
    byte[] signature = signer.sign(toBeSigned(protectedHeader, payload));
    return new CborWriter()
        .tag(TAG)
        .arrayHeader(4)
        .bytes(protectedHeader)
        .mapHeader(0)
        .bytes(payload)
        .bytes(signature)
        .toByteArray();
  }

  /** The protected header map, keys in canonical order. */
  public static byte[] protectedHeader(String contentType, String kid) {
    return new CborWriter()
        .mapHeader(3)
        .integer(HEADER_ALG)
        .integer(ALG_ES256)
        .integer(HEADER_CONTENT_TYPE)
        .text(contentType)
        .integer(HEADER_KID)
        .bytes(kid.getBytes(StandardCharsets.UTF_8))
        .toByteArray();
  }

  /**
   * The payload of a COSE_Sign1 document without checking its signature. Only for bytes
   * already authenticated another way, such as a stored manifest whose SHA-256 matches a
   * record we wrote; everything a device or server trusts goes through {@link CoseVerifier}.
   */
  public static byte[] payloadOfAuthenticated(byte[] cose) throws CoseRejectedException {
    if (CborReader.decode(cose) instanceof CborItem.Tagged tagged
        && tagged.content() instanceof CborItem.Array array
        && array.items().size() == 4
        && array.items().get(2) instanceof CborItem.Bytes payload) {
      return payload.value();
    }
    throw new CoseRejectedException(RejectReason.NOT_COSE_SIGN1, "not a COSE_Sign1 document with an embedded payload");
  }

  /** The kid of a COSE_Sign1 document without checking its signature (same caveat as {@link #payloadOfAuthenticated}). */
  public static String kidOfAuthenticated(byte[] cose) throws CoseRejectedException {
    if (CborReader.decode(cose) instanceof CborItem.Tagged tagged
        && tagged.content() instanceof CborItem.Array array
        && array.items().size() == 4
        && array.items().get(0) instanceof CborItem.Bytes header
        && header.value().length > 0
        && CborReader.decode(header.value()) instanceof CborItem.Map map
        && map.get(HEADER_KID) instanceof CborItem.Bytes kid) {
      return new String(kid.value(), StandardCharsets.UTF_8);
    }
    throw new CoseRejectedException(RejectReason.MISSING_KID, "not a COSE_Sign1 document with a kid in its protected header");
  }

  /** {@code Sig_structure = ["Signature1", protected, h'', payload]}: the bytes that are signed. */
  public static byte[] toBeSigned(byte[] protectedHeader, byte[] payload) {
    return new CborWriter()
        .arrayHeader(4)
        .text("Signature1")
        .bytes(protectedHeader)
        .bytes(new byte[0])
        .bytes(payload)
        .toByteArray();
  }
}
