/**
 * Signed key sets (docs/formats.md "Key sets"), a port of the Java `KeySetVerifier`: pure
 * functions that decide whether a key set may follow the trusted one and which signing keys
 * are valid at a time. Fetching them is the client's job (client.ts).
 */
import { decodeCbor } from "./cbor.js";
import { CoseVerifier, P256PublicKey, parsePublicKey } from "./cose.js";
import { parseTimestamp } from "./documents.js";
import { CoseRejectedError, InvalidDocumentError } from "./errors.js";
import { JsonObject, JsonValue, isObject, parseStrictJson } from "./json.js";

export const CONTENT_TYPE_KEY_SET = "application/vnd.kivyx.ota.keyset+json";
export const KEY_SET_SCHEMA = "kivyx.ota/keyset@1";

export interface RootKey {
  readonly kid: string;
  readonly publicKeyHex: string;
}

export interface SigningKey {
  readonly kid: string;
  readonly publicKeyHex: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

export interface KeySet {
  readonly schema: string;
  readonly appId: string;
  readonly version: number;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly roots: readonly RootKey[];
  readonly keys: readonly SigningKey[];
}

/** The same names as the Java `KeySetRejectedException.Reason`. */
export type KeySetRejectReason =
  | "NOT_ROOT_SIGNED"
  | "SIGNATURE"
  | "INVALID"
  | "WRONG_APP"
  | "ROLLED_BACK"
  | "EXPIRED"
  | "MISSING"
  | "NO_VALID_KEY";

export class KeySetRejectedError extends Error {
  constructor(
    readonly reason: KeySetRejectReason,
    message: string,
  ) {
    super(`${reason}: ${message}`);
    this.name = "KeySetRejectedError";
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const KID = /^[\x21-\x7e]{1,128}$/;
const RAW_KEY = /^04[0-9a-f]{128}$/;

function invalid(message: string): never {
  throw new InvalidDocumentError(message);
}

function field(o: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function str(o: JsonObject, key: string, what: string): string {
  const v = field(o, key);
  if (v === undefined || v === null) invalid(`${what} is required`);
  if (typeof v !== "string") invalid(`${what} must be a string`);
  return v;
}

function time(o: JsonObject, key: string, what: string): string {
  const v = str(o, key, what);
  if (Number.isNaN(parseTimestamp(v))) invalid(`${what} must be an RFC 3339 UTC time like 2026-11-27T10:00:00Z, got '${v}'`);
  return v;
}

function objects(o: JsonObject, key: string): JsonObject[] {
  const v = field(o, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) invalid(`${key} must be a list`);
  return v.map((x) => (isObject(x) ? x : invalid(`${key} must list objects`)));
}

function kid(o: JsonObject): string {
  const v = str(o, "kid", "kid");
  if (!KID.test(v)) invalid(`kid must be 1-128 printable ASCII characters without spaces, got '${v}'`);
  return v;
}

function rawKey(o: JsonObject): string {
  const v = str(o, "publicKeyHex", "publicKeyHex");
  if (!RAW_KEY.test(v)) invalid("publicKeyHex must be an uncompressed P-256 point as lowercase hex (04 || x || y)");
  try {
    parsePublicKey({ rawPubHex: v });
  } catch (e) {
    invalid(`publicKeyHex: ${e instanceof Error ? e.message : String(e)}`);
  }
  return v;
}

/** Parses a key set payload with the Java record's rules (unknown fields ignored). */
export function readKeySet(json: Uint8Array): KeySet {
  const o = parseStrictJson(json, "key set");
  if (!isObject(o)) invalid("a key set is a JSON object");
  const schema = field(o, "schema");
  if (schema !== KEY_SET_SCHEMA) invalid(`schema must be '${KEY_SET_SCHEMA}', got '${String(schema)}'`);
  const appId = str(o, "appId", "appId");
  if (!NAME.test(appId)) invalid(`appId must be 1-128 letters, digits, '.', '_' or '-', got '${appId}'`);
  const version = field(o, "version") ?? 0;
  if (typeof version !== "number" || !Number.isSafeInteger(version)) invalid("version must be an integer");
  if (version <= 0) invalid(`key set version must be greater than 0, got ${version}`);
  const issuedAt = time(o, "issuedAt", "issuedAt");
  const expiresAt = time(o, "expiresAt", "expiresAt");
  if (parseTimestamp(expiresAt) <= parseTimestamp(issuedAt)) invalid("expiresAt must be after issuedAt");
  const roots = objects(o, "roots").map((r) => ({ kid: kid(r), publicKeyHex: rawKey(r) }));
  const keys = objects(o, "keys").map((k) => {
    const id = kid(k);
    const key = {
      kid: id,
      publicKeyHex: rawKey(k),
      notBefore: time(k, "notBefore", `notBefore of ${id}`),
      notAfter: time(k, "notAfter", `notAfter of ${id}`),
    };
    if (parseTimestamp(key.notAfter) <= parseTimestamp(key.notBefore)) invalid(`notAfter of ${id} must be after its notBefore`);
    return key;
  });
  if (roots.length === 0) invalid("a key set needs at least one root key (who signs the next version)");
  if (keys.length === 0) invalid("a key set needs at least one signing key");
  const seen = new Set<string>();
  for (const id of [...roots.map((r) => r.kid), ...keys.map((k) => k.kid)]) {
    if (seen.has(id)) invalid(`kids of roots and keys lists '${id}' twice`);
    seen.add(id);
  }
  return { schema: KEY_SET_SCHEMA, appId, version, issuedAt, expiresAt, roots, keys };
}

/** The fields that make a key set what it is, for "same version, same content?". */
function identity(ks: KeySet): string {
  return JSON.stringify([ks.appId, ks.version, ks.issuedAt, ks.expiresAt, ks.roots.map((r) => [r.kid, r.publicKeyHex]),
    ks.keys.map((k) => [k.kid, k.publicKeyHex, k.notBefore, k.notAfter])]);
}

export function rootKeysOf(ks: KeySet): Record<string, P256PublicKey> {
  const out: Record<string, P256PublicKey> = {};
  for (const r of ks.roots) out[r.kid] = parsePublicKey({ rawPubHex: r.publicKeyHex });
  return out;
}

/**
 * The key set in `cose` if it may follow `trusted` (null: the first, checked against the
 * pinned roots): signed by one of the trusted roots, for this app, not older, and the same
 * version only with the same content. Expiry is `requireFreshKeySet`'s job.
 */
export function nextKeySet(
  appId: string,
  trusted: KeySet | null,
  pinnedRoots: Readonly<Record<string, P256PublicKey>>,
  cose: Uint8Array,
): KeySet {
  const roots = trusted === null ? pinnedRoots : rootKeysOf(trusted);
  let next: KeySet;
  try {
    next = readKeySet(new CoseVerifier(roots).verify(cose, CONTENT_TYPE_KEY_SET).payload);
  } catch (e) {
    if (e instanceof CoseRejectedError && e.reason === "UNKNOWN_KID") {
      throw new KeySetRejectedError("NOT_ROOT_SIGNED", `${e.message} (trusted roots: ${Object.keys(roots).join(", ")})`);
    }
    if (e instanceof CoseRejectedError) throw new KeySetRejectedError("SIGNATURE", e.message);
    if (e instanceof InvalidDocumentError) throw new KeySetRejectedError("INVALID", e.message);
    throw e;
  }
  if (next.appId !== appId) throw new KeySetRejectedError("WRONG_APP", `the key set is for app ${next.appId}, not ${appId}`);
  if (trusted !== null && (next.version < trusted.version || (next.version === trusted.version && identity(next) !== identity(trusted)))) {
    throw new KeySetRejectedError(
      "ROLLED_BACK",
      `key set version ${next.version} does not follow the trusted version ${trusted.version}`,
    );
  }
  return next;
}

export function requireFreshKeySet(ks: KeySet, nowMs: number): void {
  if (nowMs >= parseTimestamp(ks.expiresAt)) {
    throw new KeySetRejectedError("EXPIRED", `key set version ${ks.version} expired at ${ks.expiresAt}`);
  }
}

/** The signing keys inside their window `[notBefore, notAfter)` at `nowMs`: what the index and manifests may be signed with. */
export function signingKeysAt(ks: KeySet, nowMs: number): Record<string, P256PublicKey> {
  const out: Record<string, P256PublicKey> = {};
  for (const k of ks.keys) {
    if (nowMs >= parseTimestamp(k.notBefore) && nowMs < parseTimestamp(k.notAfter)) {
      out[k.kid] = parsePublicKey({ rawPubHex: k.publicKeyHex });
    }
  }
  if (Object.keys(out).length === 0) {
    throw new KeySetRejectedError("NO_VALID_KEY", `no signing key of key set version ${ks.version} is inside its window at ${new Date(nowMs).toISOString()}`);
  }
  return out;
}

/**
 * The payload of a COSE_Sign1 document without checking it: the version an unverified key set
 * claims (how far to walk), or a stored key set that was verified when it was stored.
 */
export function unverifiedKeySet(cose: Uint8Array): KeySet {
  try {
    const item = decodeCbor(cose);
    if (item.kind === "tagged" && item.content.kind === "array" && item.content.items.length === 4) {
      const payload = item.content.items[2];
      if (payload !== undefined && payload.kind === "bytes") return readKeySet(payload.value);
    }
  } catch (e) {
    throw new KeySetRejectedError("INVALID", `the key set is not readable: ${e instanceof Error ? e.message : String(e)}`);
  }
  throw new KeySetRejectedError("INVALID", "the key set is not a COSE_Sign1 document with an embedded payload");
}

/** Fetches one key set document; null when there is none (404). */
export type KeySetFetch = (path: string) => Promise<Uint8Array | null>;

/** A device this far behind has to be re-provisioned; bounds the work a hostile server can cause. */
export const MAX_KEY_SET_CHAIN = 1000;

/**
 * The app's current key set, reached from `trusted` (or the pinned roots) directly when a
 * trusted root signed it, else by walking `keys/<v>.cose` for every version in between.
 */
export async function loadKeySet(
  appId: string,
  trusted: KeySet | null,
  pinnedRoots: Readonly<Record<string, P256PublicKey>>,
  fetch: KeySetFetch,
  nowMs: number,
): Promise<{ keySet: KeySet; cose: Uint8Array }> {
  const base = `apps/${encodeURIComponent(appId)}/`;
  const current = await fetch(`${base}keys.cose`);
  if (current === null) throw new KeySetRejectedError("MISSING", `no key set at ${base}keys.cose`);
  if (trusted !== null) {
    // The one already trusted: nothing to verify (after a root rotation its roots did not sign it).
    let claimed: KeySet | null = null;
    try {
      claimed = unverifiedKeySet(current);
    } catch {
      // verified (and refused) below
    }
    if (claimed !== null && identity(claimed) === identity(trusted)) {
      requireFreshKeySet(trusted, nowMs);
      return { keySet: trusted, cose: current };
    }
  }
  let result: KeySet;
  try {
    result = nextKeySet(appId, trusted, pinnedRoots, current);
  } catch (e) {
    if (!(e instanceof KeySetRejectedError) || e.reason !== "NOT_ROOT_SIGNED") throw e;
    const target = unverifiedKeySet(current).version;
    const from = trusted?.version ?? 0;
    if (target - from > MAX_KEY_SET_CHAIN) throw new KeySetRejectedError("MISSING", `the key set is ${target - from} versions ahead`);
    let step = trusted;
    for (let v = from + 1; v < target; v++) {
      const bytes = await fetch(`${base}keys/${v}.cose`);
      if (bytes === null) throw new KeySetRejectedError("MISSING", `key set version ${v} is missing at ${base}keys/${v}.cose`);
      step = nextKeySet(appId, step, pinnedRoots, bytes);
    }
    result = nextKeySet(appId, step, pinnedRoots, current);
  }
  requireFreshKeySet(result, nowMs);
  return { keySet: result, cose: current };
}
