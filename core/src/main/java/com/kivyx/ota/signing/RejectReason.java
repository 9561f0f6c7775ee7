package com.kivyx.ota.signing;

/**
 * Why a signed document was refused. The names are part of the golden vectors shared with the
 * TypeScript client, so both sides report the same reason for the same bytes.
 */
public enum RejectReason {
  /** Not well-formed CBOR, or a CBOR feature the profile does not use (floats, huge ints). */
  MALFORMED_CBOR,
  /** Indefinite-length strings, arrays or maps: the profile allows definite lengths only. */
  INDEFINITE_LENGTH,
  /** An integer or length not written in its shortest form, so two encodings would exist. */
  NON_CANONICAL_CBOR,
  /** The same key twice in one map. */
  DUPLICATE_MAP_KEY,
  /** Bytes after the end of the COSE_Sign1 item. */
  TRAILING_BYTES,
  /** The document is larger than the verifier accepts. */
  TOO_LARGE,
  /** No CBOR tag: the profile requires tag 18. */
  NOT_TAGGED,
  /** A tag other than 18 (COSE_Sign1). */
  WRONG_TAG,
  /** Not a four-element array of bstr, map, bstr, bstr. */
  NOT_COSE_SIGN1,
  /** The payload is nil (detached); the profile embeds it. */
  DETACHED_PAYLOAD,
  /** The algorithm appears in the unprotected header. */
  ALG_NOT_PROTECTED,
  /** The unprotected header carries anything at all; the profile keeps it empty. */
  UNPROTECTED_HEADER_NOT_EMPTY,
  /** A protected header label other than alg (1), content type (3) and kid (4). */
  UNEXPECTED_HEADER,
  /** The protected algorithm is missing or not ES256 (-7). */
  UNSUPPORTED_ALG,
  /** No kid in the protected header, or one that is not a byte string. */
  MISSING_KID,
  /** The kid is not one of the pinned keys. */
  UNKNOWN_KID,
  /** The content type is missing, not text, or not the one the caller expects. */
  WRONG_CONTENT_TYPE,
  /** The signature is not 64 bytes (r || s). */
  BAD_SIGNATURE_LENGTH,
  /** s is above n/2; the profile accepts low-S signatures only, so each has one encoding. */
  HIGH_S,
  /** The signature does not verify (includes r or s out of range). */
  BAD_SIGNATURE
}
