/**
 * Offline check that a signed release manifest is in a pinned Rekor v2 transparency log: the
 * log entry (what rekor-tiles answered on upload, stored as a blob the signed index names) must
 * carry a checkpoint signed by the pinned log key, agree on index and tree size, prove inclusion
 * by RFC 9162, and log exactly this manifest's signature by its signer. Pure functions on bytes:
 * no Node crypto, no Buffer (Hermes).
 */
import { base64Decode, concatBytes, equalBytes, sha256, toHex, utf8DecodeStrict, utf8Encode } from "./bytes.js";
import { decodeCbor } from "./cbor.js";
import { P256PublicKey, PublicKeySpec, parsePublicKey, toBeSigned } from "./cose.js";
import { parseStrictJsonText, isObject, JsonObject, JsonValue } from "./json.js";
import { p256 } from "./p256.js";

/** off: not checked; audit: checked, a failure is reported and the release still installs; enforce: no entry, no install. */
export type TransparencyMode = "off" | "audit" | "enforce";

/** A pinned log: its checkpoint origin (rekor-tiles' --hostname) and its P-256 checkpoint key. */
export interface PinnedLog {
  readonly origin: string;
  readonly key: PublicKeySpec;
}

export type LogRejectReason = "MALFORMED" | "CHECKPOINT_SIGNATURE" | "INDEX_MISMATCH" | "INCLUSION_PROOF" | "WRONG_ENTRY";

export class LogEntryRejectedError extends Error {
  constructor(
    readonly reason: LogRejectReason,
    message: string,
  ) {
    super(message);
    this.name = "LogEntryRejectedError";
  }
}

export interface VerifiedLogEntry {
  readonly origin: string;
  readonly logIndex: number;
  readonly treeSize: number;
}

const SPKI_P256_PREFIX = new Uint8Array([
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
  0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
]);
const MAX_CHECKPOINT_SIGNATURES = 20;

export function spkiOf(key: P256PublicKey): Uint8Array {
  return concatBytes(SPKI_P256_PREFIX, key);
}

function reject(reason: LogRejectReason, message: string): never {
  throw new LogEntryRejectedError(reason, message);
}

function b64(text: JsonValue | undefined, what: string): Uint8Array {
  if (typeof text !== "string") reject("MALFORMED", `${what} is missing`);
  try {
    return base64Decode(text);
  } catch {
    return reject("MALFORMED", `${what} is not base64`);
  }
}

function obj(v: JsonValue | undefined, what: string): JsonObject {
  if (!isObject(v)) reject("MALFORMED", `${what} is not an object`);
  return v;
}

/** Proto JSON int64: a decimal string (or a number); absent means 0. */
function int64(v: JsonValue | undefined, what: string): number {
  if (v === undefined) return 0;
  const text = typeof v === "number" ? String(v) : v;
  if (typeof text !== "string" || !/^(0|[1-9][0-9]{0,15})$/.test(text)) reject("MALFORMED", `${what} is not a non-negative integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) reject("MALFORMED", `${what} is too large`);
  return n;
}

/** `0x00 || entry` and `0x01 || left || right`, SHA-256 (RFC 6962 / 9162). */
export function leafHash(entry: Uint8Array): Uint8Array {
  return sha256(concatBytes(new Uint8Array([0]), entry));
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(new Uint8Array([1]), left, right));
}

/** RFC 9162 section 2.1.3.2, with the final `sn == 0` check. BigInt so indices past 2^31 stay exact. */
export function verifyInclusion(index: number, treeSize: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (index < 0 || index >= treeSize) return false;
  let fn = BigInt(index);
  let sn = BigInt(treeSize - 1);
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32 || sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(r, root);
}

interface Checkpoint {
  readonly size: number;
  readonly root: Uint8Array;
}

/** A C2SP signed note holding a tlog checkpoint, with one valid signature by `log`. */
export function verifyCheckpoint(note: string, origin: string, key: P256PublicKey): Checkpoint {
  const split = note.indexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) reject("MALFORMED", "the checkpoint is not a signed note");
  const text = note.slice(0, split + 1);
  const lines = text.split("\n");
  if (lines.length < 4) reject("MALFORMED", "the checkpoint needs origin, size and root lines");
  const signatures = note.slice(split + 2, note.length - 1).split("\n");
  if (signatures.length > MAX_CHECKPOINT_SIGNATURES) reject("MALFORMED", "too many checkpoint signatures");
  const hint = sha256(spkiOf(key)).subarray(0, 4);
  const message = utf8Encode(text);
  let signed = false;
  for (const line of signatures) {
    if (!line.startsWith("\u2014 ")) reject("MALFORMED", "a checkpoint signature line must start with an em dash");
    const parts = line.slice(2).split(" ");
    if (parts.length !== 2) reject("MALFORMED", "a checkpoint signature line is '— <name> <base64>'");
    if (parts[0] !== origin) continue;
    const blob = b64(parts[1], "checkpoint signature");
    if (blob.length < 5 || !equalBytes(blob.subarray(0, 4), hint)) continue;
    let ok = false;
    try {
      // DER, and not low-S normalised (Go's ecdsa), so high S is fine here.
      ok = p256.verify(blob.subarray(4), message, key, { prehash: true, lowS: false, format: "der" });
    } catch {
      ok = false;
    }
    if (ok) {
      signed = true;
      break;
    }
  }
  if (!signed) reject("CHECKPOINT_SIGNATURE", `the checkpoint has no valid signature by the pinned key of log '${origin}'`);
  if (lines[0] !== origin) reject("CHECKPOINT_SIGNATURE", `the checkpoint is for origin '${lines[0] ?? ""}'`);
  const size = int64(lines[1], "checkpoint size");
  const root = b64(lines[2], "checkpoint root");
  if (root.length !== 32) reject("MALFORMED", "checkpoint root is not 32 bytes");
  return { size, root };
}

/** The pieces of a COSE_Sign1 document that were logged: SHA-256 of its Sig_structure and its r || s signature. */
function signedParts(cose: Uint8Array): { digest: Uint8Array; signature: Uint8Array } {
  const item = decodeCbor(cose);
  if (item.kind !== "tagged" || item.content.kind !== "array" || item.content.items.length !== 4) {
    reject("WRONG_ENTRY", "the manifest is not a COSE_Sign1 document");
  }
  const [header, , payload, signature] = item.content.items;
  if (header?.kind !== "bytes" || payload?.kind !== "bytes" || signature?.kind !== "bytes") {
    reject("WRONG_ENTRY", "the manifest is not a COSE_Sign1 document");
  }
  return { digest: sha256(toBeSigned(header.value, payload.value)), signature: signature.value };
}

function strictJson(text: string, what: string): JsonValue {
  try {
    return parseStrictJsonText(text, what);
  } catch (e) {
    return reject("MALFORMED", e instanceof Error ? e.message : `${what} is not JSON`);
  }
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` → 64 bytes r || s (strict: minimal, positive integers). */
export function derToRs(der: Uint8Array): Uint8Array | null {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const out = new Uint8Array(64);
  let pos = 2;
  for (let i = 0; i < 2; i++) {
    if (der[pos] !== 0x02) return null;
    const len = der[pos + 1] ?? 0;
    let start = pos + 2;
    const end = start + len;
    if (len === 0 || end > der.length) return null;
    if ((der[start]! & 0x80) !== 0) return null;
    if (der[start] === 0 && len > 1 && (der[start + 1]! & 0x80) === 0) return null;
    while (der[start] === 0 && end - start > 1) start++;
    if (end - start > 32) return null;
    out.set(der.subarray(start, end), i * 32 + 32 - (end - start));
    pos = end;
  }
  return pos === der.length ? out : null;
}

/**
 * Verifies `entryJson` (a Rekor v2 TransparencyLogEntry) as the log entry of `coseManifest`,
 * signed with `signer`, in one of `logs`.
 */
export function verifyManifestLogEntry(
  entryJson: Uint8Array,
  coseManifest: Uint8Array,
  signer: P256PublicKey,
  logs: readonly PinnedLog[],
): VerifiedLogEntry {
  const text = utf8DecodeStrict(entryJson);
  if (text === null) reject("MALFORMED", "the log entry is not UTF-8");
  const tle = obj(strictJson(text, "log entry"), "log entry");
  const keyId = b64(obj(tle["logId"], "logId")["keyId"], "logId.keyId");
  let log: { origin: string; key: P256PublicKey } | undefined;
  for (const l of logs) {
    const key = parsePublicKey(l.key);
    if (equalBytes(sha256(spkiOf(key)), keyId)) log = { origin: l.origin, key };
  }
  if (log === undefined) reject("CHECKPOINT_SIGNATURE", `the log entry is from a log that is not pinned (key id ${toHex(keyId)})`);
  const proof = obj(tle["inclusionProof"], "inclusionProof");
  const envelope = obj(proof["checkpoint"], "checkpoint")["envelope"];
  if (typeof envelope !== "string") reject("MALFORMED", "the checkpoint is missing");
  const checkpoint = verifyCheckpoint(envelope, log.origin, log.key);
  const logIndex = int64(tle["logIndex"], "logIndex");
  const proofIndex = int64(proof["logIndex"], "inclusionProof.logIndex");
  const treeSize = int64(proof["treeSize"], "inclusionProof.treeSize");
  if (logIndex !== proofIndex) reject("INDEX_MISMATCH", `log index ${logIndex} differs from the proof's ${proofIndex}`);
  if (treeSize !== checkpoint.size) reject("INDEX_MISMATCH", `proof tree size ${treeSize} is not the checkpoint's ${checkpoint.size}`);
  if (logIndex >= treeSize) reject("INDEX_MISMATCH", `log index ${logIndex} is not in a tree of ${treeSize}`);
  if (!equalBytes(b64(proof["rootHash"], "rootHash"), checkpoint.root)) reject("INCLUSION_PROOF", "the proof's root is not the checkpoint's");
  const hashes = proof["hashes"] ?? [];
  if (!Array.isArray(hashes)) reject("MALFORMED", "inclusionProof.hashes is not a list");
  const body = b64(tle["canonicalizedBody"], "canonicalizedBody");
  if (!verifyInclusion(logIndex, treeSize, leafHash(body), hashes.map((h) => b64(h, "proof hash")), checkpoint.root)) {
    reject("INCLUSION_PROOF", `the inclusion proof of entry ${logIndex} does not lead to the checkpoint's root`);
  }

  const bodyText = utf8DecodeStrict(body);
  if (bodyText === null) reject("MALFORMED", "the logged body is not UTF-8");
  const logged = obj(strictJson(bodyText, "logged body"), "logged body");
  if (logged["kind"] !== "hashedrekord" || logged["apiVersion"] !== "0.0.2") reject("WRONG_ENTRY", "the entry is not a hashedrekord 0.0.2");
  const spec = obj(obj(logged["spec"], "spec")["hashedRekordV002"], "hashedRekordV002");
  const data = obj(spec["data"], "data");
  if (data["algorithm"] !== "SHA2_256") reject("WRONG_ENTRY", "the logged digest is not SHA2_256");
  const signature = obj(spec["signature"], "signature");
  const verifier = obj(signature["verifier"], "verifier");
  const expected = signedParts(coseManifest);
  if (!equalBytes(b64(data["digest"], "digest"), expected.digest)) reject("WRONG_ENTRY", "the log entry is for another manifest");
  if (!equalBytes(b64(obj(verifier["publicKey"], "publicKey")["rawBytes"], "public key"), spkiOf(signer))) {
    reject("WRONG_ENTRY", "the log entry names another signer's key");
  }
  const rs = derToRs(b64(signature["content"], "signature"));
  if (rs === null || !equalBytes(rs, expected.signature)) reject("WRONG_ENTRY", "the log entry holds another signature than the manifest's");
  return { origin: log.origin, logIndex, treeSize };
}
