package com.kivyx.ota.signing;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import java.util.Set;

/**
 * Verifies COSE_Sign1 documents against pinned keys, refusing anything outside the profile.
 * The checks run from the outside in (CBOR, tag, structure, headers, signature), so a
 * document is refused for its first fault and the reason is stable across implementations.
 */
public final class CoseVerifier {
  /** Large enough for any manifest or index; a bigger document is refused before parsing. */
  public static final int DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

  private static final Set<Long> PROTECTED_LABELS =
      Set.of(CoseSign1.HEADER_ALG, CoseSign1.HEADER_CONTENT_TYPE, CoseSign1.HEADER_KID);

  private final Map<String, ECPublicKey> pinnedKeys;
  private final int maxBytes;

  public CoseVerifier(Map<String, ECPublicKey> pinnedKeys) {
    this(pinnedKeys, DEFAULT_MAX_BYTES);
  }

  public CoseVerifier(Map<String, ECPublicKey> pinnedKeys, int maxBytes) {
    if (pinnedKeys.isEmpty()) {
      throw new IllegalArgumentException("a verifier needs at least one pinned public key");
    }
    this.pinnedKeys = Map.copyOf(pinnedKeys);
    this.maxBytes = maxBytes;
  }

  public VerifiedDocument verify(byte[] document, String expectedContentType)
      throws CoseRejectedException {
    if (document.length > maxBytes) {
      throw reject(RejectReason.TOO_LARGE, document.length + " bytes, limit " + maxBytes);
    }
    CborItem item = CborReader.decode(document);
    if (!(item instanceof CborItem.Tagged tagged)) {
      throw reject(RejectReason.NOT_TAGGED, "COSE_Sign1 must carry CBOR tag 18");
    }
    if (tagged.tag() != CoseSign1.TAG) {
      throw reject(RejectReason.WRONG_TAG, "tag " + tagged.tag() + ", expected 18 (COSE_Sign1)");
    }
    if (!(tagged.content() instanceof CborItem.Array array) || array.items().size() != 4) {
      throw reject(RejectReason.NOT_COSE_SIGN1, "content is not a four-element array");
    }
    CborItem protectedItem = array.items().get(0);
    CborItem unprotectedItem = array.items().get(1);
    CborItem payloadItem = array.items().get(2);
    CborItem signatureItem = array.items().get(3);
    if (!(protectedItem instanceof CborItem.Bytes protectedBytes)
        || !(unprotectedItem instanceof CborItem.Map unprotected)
        || !(signatureItem instanceof CborItem.Bytes signature)) {
      throw reject(RejectReason.NOT_COSE_SIGN1, "expected [bstr, map, bstr, bstr]");
    }
    if (payloadItem instanceof CborItem.Simple simple && simple.value() == CborItem.Simple.NULL) {
      throw reject(RejectReason.DETACHED_PAYLOAD, "payload is detached (nil)");
    }
    if (!(payloadItem instanceof CborItem.Bytes payload)) {
      throw reject(RejectReason.NOT_COSE_SIGN1, "payload is not a byte string");
    }
    if (unprotected.get(CoseSign1.HEADER_ALG) != null) {
      throw reject(RejectReason.ALG_NOT_PROTECTED, "alg is in the unprotected header");
    }
    if (!unprotected.entries().isEmpty()) {
      throw reject(RejectReason.UNPROTECTED_HEADER_NOT_EMPTY, "unprotected header must be {}");
    }
    CborItem.Map header = protectedHeader(protectedBytes.value());
    for (CborItem.Entry entry : header.entries()) {
      if (!(entry.key() instanceof CborItem.Int label) || !PROTECTED_LABELS.contains(label.value())) {
        throw reject(RejectReason.UNEXPECTED_HEADER, "protected header label " + entry.key());
      }
    }
    if (!(header.get(CoseSign1.HEADER_ALG) instanceof CborItem.Int alg)
        || alg.value() != CoseSign1.ALG_ES256) {
      throw reject(RejectReason.UNSUPPORTED_ALG, "protected alg must be ES256 (-7)");
    }
    String kid = kid(header);
    ECPublicKey key = pinnedKeys.get(kid);
    if (key == null) {
      throw reject(RejectReason.UNKNOWN_KID, "kid '" + kid + "' is not a pinned key");
    }
    if (!(header.get(CoseSign1.HEADER_CONTENT_TYPE) instanceof CborItem.Text contentType)
        || !contentType.value().equals(expectedContentType)) {
      throw reject(
          RejectReason.WRONG_CONTENT_TYPE, "content type must be '" + expectedContentType + "'");
    }
    Es256.verify(
        key,
        CoseSign1.toBeSigned(protectedBytes.value(), payload.value()),
        signature.value(),
        Es256.LowS.REQUIRED);
    return new VerifiedDocument(kid, contentType.value(), payload.value());
  }

  private static CborItem.Map protectedHeader(byte[] bytes) throws CoseRejectedException {
    if (bytes.length == 0) {
      return new CborItem.Map(java.util.List.of()); // RFC 9052: empty bstr means no headers
    }
    if (!(CborReader.decode(bytes) instanceof CborItem.Map map)) {
      throw reject(RejectReason.NOT_COSE_SIGN1, "protected header is not a map");
    }
    return map;
  }

  private static String kid(CborItem.Map header) throws CoseRejectedException {
    if (!(header.get(CoseSign1.HEADER_KID) instanceof CborItem.Bytes kidBytes)) {
      throw reject(RejectReason.MISSING_KID, "protected header has no kid byte string");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(kidBytes.value())).toString();
    } catch (CharacterCodingException e) {
      throw reject(RejectReason.MISSING_KID, "kid is not UTF-8");
    }
  }

  private static CoseRejectedException reject(RejectReason reason, String message) {
    return new CoseRejectedException(reason, message);
  }
}
