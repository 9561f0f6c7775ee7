/** Why a signed document was refused; the same names as the Java `RejectReason`. */
export type RejectReason =
  | "MALFORMED_CBOR"
  | "INDEFINITE_LENGTH"
  | "NON_CANONICAL_CBOR"
  | "DUPLICATE_MAP_KEY"
  | "TRAILING_BYTES"
  | "TOO_LARGE"
  | "NOT_TAGGED"
  | "WRONG_TAG"
  | "NOT_COSE_SIGN1"
  | "DETACHED_PAYLOAD"
  | "ALG_NOT_PROTECTED"
  | "UNPROTECTED_HEADER_NOT_EMPTY"
  | "UNEXPECTED_HEADER"
  | "UNSUPPORTED_ALG"
  | "MISSING_KID"
  | "UNKNOWN_KID"
  | "WRONG_CONTENT_TYPE"
  | "BAD_SIGNATURE_LENGTH"
  | "HIGH_S"
  | "BAD_SIGNATURE";

export class CoseRejectedError extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(`${reason}: ${message}`);
    this.name = "CoseRejectedError";
  }
}

/** A document whose signature verified but whose JSON breaks the format rules. */
export class InvalidDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidDocumentError";
  }
}

/** A kvxd1 patch that cannot be applied (corrupt, wrong base, over a limit). */
export class DeltaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeltaError";
  }
}

/** Anything the client refuses while updating: the message says what and why. */
export class OtaError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "OtaError";
  }
}
