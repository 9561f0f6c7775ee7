/**
 * COSE_Sign1 verification in the project's strict profile (docs/formats.md), a port of the
 * Java `CoseVerifier`: checks run from the outside in and the first failure is the reason.
 */
import { p256 } from "./p256.js";
import { base64Decode, fromHex, utf8DecodeStrict, utf8Encode } from "./bytes.js";
import { CborItem, CborWriter, SIMPLE_NULL, decodeCbor, mapGetInt } from "./cbor.js";
import { CoseRejectedError } from "./errors.js";

export const CONTENT_TYPE_RELEASE = "application/vnd.kivyx.ota.release+json";
export const CONTENT_TYPE_CHANNEL_INDEX = "application/vnd.kivyx.ota.channel-index+json";
export const DEFAULT_MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

const TAG_COSE_SIGN1 = 18n;
const HEADER_ALG = 1n;
const HEADER_CONTENT_TYPE = 3n;
const HEADER_KID = 4n;
const ALG_ES256 = -7n;

/** The order n of the P-256 group. */
export const P256_N = BigInt("0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
const HALF_N = P256_N >> 1n;

/** A pinned key: the raw uncompressed point as hex (`04…`), or an SPKI PEM. */
export type PublicKeySpec = { rawPubHex: string } | { spkiPem: string };

/** A P-256 public key as its 65-byte uncompressed point, checked to lie on the curve. */
export type P256PublicKey = Uint8Array;

const SPKI_P256_PREFIX = fromHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

export function parsePublicKey(spec: PublicKeySpec): P256PublicKey {
  let raw: Uint8Array;
  if ("rawPubHex" in spec) {
    raw = fromHex(spec.rawPubHex.trim());
  } else {
    const body = spec.spkiPem
      .replace(/-----BEGIN PUBLIC KEY-----/, "")
      .replace(/-----END PUBLIC KEY-----/, "")
      .replace(/\s+/g, "");
    const der = base64Decode(body);
    if (der.length !== SPKI_P256_PREFIX.length + 65) throw new Error("SPKI PEM is not a P-256 public key");
    for (let i = 0; i < SPKI_P256_PREFIX.length; i++) {
      if (der[i] !== SPKI_P256_PREFIX[i]) throw new Error("SPKI PEM is not an uncompressed P-256 public key");
    }
    raw = der.slice(SPKI_P256_PREFIX.length);
  }
  if (raw.length !== 65 || raw[0] !== 4) throw new Error("a P-256 public key is 65 bytes, 04 || x || y");
  p256.Point.fromBytes(raw).assertValidity();
  return raw;
}

export type LowS = "required" | "notRequired";

function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

/** ES256 over `data` (hashed with SHA-256 here): 64 bytes r || s, low S unless told otherwise. */
export function verifyEs256(key: P256PublicKey, data: Uint8Array, signature: Uint8Array, lowS: LowS = "required"): void {
  if (signature.length !== 64) {
    throw new CoseRejectedError(
      "BAD_SIGNATURE_LENGTH",
      `signature is ${signature.length} bytes, ES256 needs 64 (r || s)`,
    );
  }
  const r = bytesToBigInt(signature.subarray(0, 32));
  const s = bytesToBigInt(signature.subarray(32, 64));
  if (r === 0n || s === 0n || r >= P256_N || s >= P256_N) {
    throw new CoseRejectedError("BAD_SIGNATURE", "r or s outside [1, n-1]");
  }
  if (lowS === "required" && s > HALF_N) {
    throw new CoseRejectedError("HIGH_S", "s is above n/2; signers must normalise to low S");
  }
  let ok = false;
  try {
    ok = p256.verify(signature, data, key, { prehash: true, lowS: false, format: "compact" });
  } catch {
    ok = false;
  }
  if (!ok) throw new CoseRejectedError("BAD_SIGNATURE", "signature does not verify with the pinned key");
}

/** `Sig_structure = ["Signature1", protected, h'', payload]`: the bytes that are signed. */
export function toBeSigned(protectedHeader: Uint8Array, payload: Uint8Array): Uint8Array {
  return new CborWriter()
    .arrayHeader(4)
    .text("Signature1", utf8Encode("Signature1"))
    .bytes(protectedHeader)
    .bytes(new Uint8Array(0))
    .bytes(payload)
    .toBytes();
}

export interface VerifiedDocument {
  readonly kid: string;
  readonly contentType: string;
  readonly payload: Uint8Array;
}

export class CoseVerifier {
  private readonly keys: Map<string, P256PublicKey>;

  constructor(
    pinned: Record<string, PublicKeySpec | P256PublicKey>,
    private readonly maxBytes: number = DEFAULT_MAX_DOCUMENT_BYTES,
  ) {
    this.keys = new Map();
    for (const [kid, spec] of Object.entries(pinned)) {
      this.keys.set(kid, spec instanceof Uint8Array ? spec : parsePublicKey(spec));
    }
    if (this.keys.size === 0) throw new Error("a verifier needs at least one pinned public key");
  }

  /** The key trusted under this kid (the one a document verified with it was signed by). */
  publicKey(kid: string): P256PublicKey | undefined {
    return this.keys.get(kid);
  }

  verify(document: Uint8Array, expectedContentType: string, lowS: LowS = "required"): VerifiedDocument {
    if (document.length > this.maxBytes) {
      throw new CoseRejectedError("TOO_LARGE", `${document.length} bytes, limit ${this.maxBytes}`);
    }
    const item = decodeCbor(document);
    if (item.kind !== "tagged") throw new CoseRejectedError("NOT_TAGGED", "COSE_Sign1 must carry CBOR tag 18");
    if (item.tag !== TAG_COSE_SIGN1) {
      throw new CoseRejectedError("WRONG_TAG", `tag ${item.tag}, expected 18 (COSE_Sign1)`);
    }
    const array = item.content;
    if (array.kind !== "array" || array.items.length !== 4) {
      throw new CoseRejectedError("NOT_COSE_SIGN1", "content is not a four-element array");
    }
    const [protectedItem, unprotected, payloadItem, signatureItem] = array.items as [
      CborItem,
      CborItem,
      CborItem,
      CborItem,
    ];
    if (protectedItem.kind !== "bytes" || unprotected.kind !== "map" || signatureItem.kind !== "bytes") {
      throw new CoseRejectedError("NOT_COSE_SIGN1", "expected [bstr, map, bstr, bstr]");
    }
    if (payloadItem.kind === "simple" && payloadItem.value === SIMPLE_NULL) {
      throw new CoseRejectedError("DETACHED_PAYLOAD", "payload is detached (nil)");
    }
    if (payloadItem.kind !== "bytes") throw new CoseRejectedError("NOT_COSE_SIGN1", "payload is not a byte string");
    if (mapGetInt(unprotected, HEADER_ALG) !== undefined) {
      throw new CoseRejectedError("ALG_NOT_PROTECTED", "alg is in the unprotected header");
    }
    if (unprotected.entries.length !== 0) {
      throw new CoseRejectedError("UNPROTECTED_HEADER_NOT_EMPTY", "unprotected header must be {}");
    }
    const header = protectedHeader(protectedItem.value);
    for (const e of header.entries) {
      if (
        e.key.kind !== "int" ||
        (e.key.value !== HEADER_ALG && e.key.value !== HEADER_CONTENT_TYPE && e.key.value !== HEADER_KID)
      ) {
        throw new CoseRejectedError("UNEXPECTED_HEADER", "protected header label outside 1, 3, 4");
      }
    }
    const alg = mapGetInt(header, HEADER_ALG);
    if (alg === undefined || alg.kind !== "int" || alg.value !== ALG_ES256) {
      throw new CoseRejectedError("UNSUPPORTED_ALG", "protected alg must be ES256 (-7)");
    }
    const kidItem = mapGetInt(header, HEADER_KID);
    if (kidItem === undefined || kidItem.kind !== "bytes") {
      throw new CoseRejectedError("MISSING_KID", "protected header has no kid byte string");
    }
    const kid = utf8DecodeStrict(kidItem.value);
    if (kid === null) throw new CoseRejectedError("MISSING_KID", "kid is not UTF-8");
    const key = this.keys.get(kid);
    if (key === undefined) throw new CoseRejectedError("UNKNOWN_KID", `kid '${kid}' is not a pinned key`);
    const ct = mapGetInt(header, HEADER_CONTENT_TYPE);
    if (ct === undefined || ct.kind !== "text" || ct.value !== expectedContentType) {
      throw new CoseRejectedError("WRONG_CONTENT_TYPE", `content type must be '${expectedContentType}'`);
    }
    verifyEs256(key, toBeSigned(protectedItem.value, payloadItem.value), signatureItem.value, lowS);
    return { kid, contentType: ct.value, payload: payloadItem.value };
  }
}

function protectedHeader(bytes: Uint8Array): CborItem & { kind: "map" } {
  if (bytes.length === 0) return { kind: "map", entries: [] };
  const decoded = decodeCbor(bytes);
  if (decoded.kind !== "map") throw new CoseRejectedError("NOT_COSE_SIGN1", "protected header is not a map");
  return decoded;
}
