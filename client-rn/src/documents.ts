/**
 * The signed JSON documents (release manifest, channel index) and their field rules, as the
 * Java records in `core/.../format` check them. Readers ignore unknown fields but refuse wrong
 * types, duplicate keys and trailing data.
 */
import { InvalidDocumentError } from "./errors.js";
import { JsonObject, JsonValue, isObject, parseStrictJson } from "./json.js";
import { parseSemverRange } from "./semver.js";

export type Platform = "ios" | "android";

export interface AttributeRule {
  readonly attribute: string;
  readonly op: "in" | "notIn" | "eq" | "semver";
  readonly values?: readonly string[];
  readonly value?: string;
}

export interface Targeting {
  readonly rnVersion?: string;
  readonly arch?: readonly string[];
  readonly attributes?: readonly AttributeRule[];
}

export interface RolloutInfo {
  readonly id: string;
  readonly weight: number;
  readonly mandatory: boolean;
  readonly targeting?: Targeting;
}

export interface ManifestRef {
  readonly url: string;
  readonly sha256: string;
  readonly size: number;
}

/** A stored transparency log entry (Rekor v2 TransparencyLogEntry JSON) and where in which log it is. */
export interface LogEntryRef {
  readonly url: string;
  readonly sha256: string;
  readonly size: number;
  readonly origin: string;
  readonly logIndex: number;
}

export interface ChannelRelease {
  readonly releaseId: string;
  readonly versionCode: number;
  readonly runtimeVersion: string;
  readonly manifest: ManifestRef;
  readonly rollout: RolloutInfo;
  /** The manifest's transparency log entry, when the release was logged. */
  readonly transparency?: LogEntryRef;
}

export interface ChannelIndex {
  readonly schema: string;
  readonly appId: string;
  readonly platform: Platform;
  readonly channel: string;
  readonly version: number;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly minVersionCode: number;
  readonly releases: readonly ChannelRelease[];
  readonly revoked: readonly string[];
}

export interface Asset {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  readonly contentType: string;
  readonly url: string;
}

export interface DeltaRef {
  readonly fromSha256: string;
  readonly format: "kvxd1";
  readonly sha256: string;
  readonly size: number;
  readonly url: string;
}

export interface ReleaseManifest {
  readonly schema: string;
  readonly appId: string;
  readonly platform: Platform;
  readonly releaseId: string;
  readonly version: string;
  readonly versionCode: number;
  readonly runtimeVersion: string;
  readonly createdAt: string;
  readonly launchAsset: Asset;
  readonly assets: readonly Asset[];
  readonly deltas: readonly DeltaRef[];
  readonly metadata: Readonly<Record<string, string>>;
}

export const CHANNEL_INDEX_SCHEMA = "kivyx.ota/channel-index@1";
export const RELEASE_SCHEMA = "kivyx.ota/release@1";

const SHA256_HEX = /^[0-9a-f]{64}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const RELATIVE_URL = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

function invalid(message: string): never {
  throw new InvalidDocumentError(message);
}

/** A field as Jackson maps it: absent and null are "missing" for objects and strings. */
function get(obj: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function optString(obj: JsonObject, key: string, field: string): string | undefined {
  const v = get(obj, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") invalid(`${field} must be a string`);
  return v;
}

function reqString(obj: JsonObject, key: string, field: string): string {
  const v = optString(obj, key, field);
  if (v === undefined) invalid(`${field} is required`);
  return v;
}

/** A long field: absent means 0 (a Java primitive), null and non-integers are refused. */
function long(obj: JsonObject, key: string, field: string): number {
  const v = get(obj, key);
  if (v === undefined) return 0;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) invalid(`${field} must be an integer`);
  return v;
}

function bool(obj: JsonObject, key: string, field: string): boolean {
  const v = get(obj, key);
  if (v === undefined) return false;
  if (typeof v !== "boolean") invalid(`${field} must be true or false`);
  return v;
}

function optObject(obj: JsonObject, key: string, field: string): JsonObject | undefined {
  const v = get(obj, key);
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) invalid(`${field} must be an object`);
  return v;
}

function list(obj: JsonObject, key: string, field: string): JsonValue[] {
  const v = get(obj, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) invalid(`${field} must be a list`);
  return v;
}

function stringList(obj: JsonObject, key: string, field: string): string[] | undefined {
  const v = get(obj, key);
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) invalid(`${field} must be a list`);
  return v.map((x) => {
    if (x === null) invalid(`${field} has a null entry`);
    if (typeof x !== "string") invalid(`${field} must list strings`);
    return x;
  });
}

function text(field: string, value: string, maxLength: number): string {
  if (value.trim() === "" || value.length > maxLength) {
    invalid(`${field} must be non-empty and at most ${maxLength} characters`);
  }
  return value;
}

function matches(field: string, value: string, pattern: RegExp, expected: string): string {
  if (!pattern.test(value)) invalid(`${field} must be ${expected}, got '${value}'`);
  return value;
}

function name(field: string, value: string): string {
  return matches(field, value, NAME, "1-128 letters, digits, '.', '_' or '-'");
}

function sha256Field(field: string, value: string): string {
  return matches(field, value, SHA256_HEX, "a lowercase 64-character hex SHA-256");
}

/** Milliseconds since the epoch of an RFC 3339 UTC time with whole seconds. */
export function parseTimestamp(value: string): number {
  if (!TIMESTAMP.test(value)) return NaN;
  const y = Number(value.slice(0, 4));
  const mo = Number(value.slice(5, 7));
  const d = Number(value.slice(8, 10));
  const h = Number(value.slice(11, 13));
  const mi = Number(value.slice(14, 16));
  const s = Number(value.slice(17, 19));
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== s
  ) {
    return NaN;
  }
  return ms;
}

function timestamp(field: string, value: string): string {
  matches(field, value, TIMESTAMP, "an RFC 3339 UTC time like 2026-11-27T10:00:00Z");
  if (Number.isNaN(parseTimestamp(value))) invalid(`${field} is not a valid time: '${value}'`);
  return value;
}

function relativeUrl(field: string, value: string): string {
  let ok = RELATIVE_URL.test(value);
  if (ok) for (const seg of value.split("/")) ok = ok && seg !== "." && seg !== "..";
  if (!ok) invalid(`${field} must be a URL relative to the store root, got '${value}'`);
  return value;
}

function positive(field: string, value: number): number {
  if (value <= 0) invalid(`${field} must be greater than 0, got ${value}`);
  return value;
}

function nonNegative(field: string, value: number): number {
  if (value < 0) invalid(`${field} must not be negative, got ${value}`);
  return value;
}

function unique(field: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) invalid(`${field} lists '${v}' twice`);
    seen.add(v);
  }
}

function platform(obj: JsonObject): Platform {
  const p = optString(obj, "platform", "platform");
  if (p === undefined) invalid("platform is required");
  if (p !== "ios" && p !== "android") invalid(`platform must be 'ios' or 'android', got '${p}'`);
  return p;
}

function rootObject(json: Uint8Array, what: string): JsonObject {
  const v = parseStrictJson(json, what);
  if (!isObject(v)) invalid(`${what} must be a JSON object`);
  return v;
}

function asObject(v: JsonValue, field: string): JsonObject {
  if (!isObject(v)) invalid(`${field} must be an object`);
  return v;
}

function readAttributeRule(o: JsonObject): AttributeRule {
  const attribute = text("targeting attribute name", reqString(o, "attribute", "targeting attribute name"), 64);
  const op = optString(o, "op", "targeting operator");
  if (op !== "in" && op !== "notIn" && op !== "eq" && op !== "semver") {
    invalid(`targeting operator on '${attribute}' must be in, notIn, eq or semver, got '${String(op)}'`);
  }
  const values = stringList(o, "values", `targeting values of '${attribute}'`);
  const value = optString(o, "value", `targeting value of '${attribute}'`);
  if (op === "in" || op === "notIn") {
    if (values === undefined || values.length === 0 || value !== undefined) {
      invalid(`targeting '${op}' on '${attribute}' needs a non-empty 'values' list and no 'value'`);
    }
    return { attribute, op, values };
  }
  if (value === undefined || values !== undefined) {
    invalid(`targeting '${op}' on '${attribute}' needs a 'value' and no 'values'`);
  }
  if (op === "semver") parseSemverRange(value);
  return { attribute, op, value };
}

function readTargeting(o: JsonObject): Targeting {
  const rnVersion = optString(o, "rnVersion", "targeting rnVersion");
  if (rnVersion !== undefined) parseSemverRange(rnVersion);
  const arch = stringList(o, "arch", "targeting arch");
  if (arch !== undefined) {
    if (arch.length === 0) invalid("targeting arch, when given, must list at least one");
    arch.forEach((a) => text("targeting arch", a, 64));
    unique("targeting arch", arch);
  }
  const attrsRaw = get(o, "attributes");
  let attributes: AttributeRule[] | undefined;
  if (attrsRaw !== undefined && attrsRaw !== null) {
    if (!Array.isArray(attrsRaw)) invalid("targeting attributes must be a list");
    attributes = attrsRaw.map((a) => readAttributeRule(asObject(a, "targeting attribute rule")));
  }
  const t: { rnVersion?: string; arch?: string[]; attributes?: AttributeRule[] } = {};
  if (rnVersion !== undefined) t.rnVersion = rnVersion;
  if (arch !== undefined) t.arch = arch;
  if (attributes !== undefined) t.attributes = attributes;
  return t;
}

function readChannelRelease(o: JsonObject): ChannelRelease {
  const releaseId = name("releaseId", reqString(o, "releaseId", "releaseId"));
  const versionCode = nonNegative(`versionCode of ${releaseId}`, long(o, "versionCode", "versionCode"));
  const runtimeVersion = text(
    `runtimeVersion of ${releaseId}`,
    reqString(o, "runtimeVersion", `runtimeVersion of ${releaseId}`),
    64,
  );
  const m = optObject(o, "manifest", `manifest of ${releaseId}`);
  if (m === undefined) invalid(`manifest of ${releaseId} is required`);
  const manifest: ManifestRef = {
    url: relativeUrl("manifest url", reqString(m, "url", "manifest url")),
    sha256: sha256Field("manifest sha256", reqString(m, "sha256", "manifest sha256")),
    size: positive("manifest size", long(m, "size", "manifest size")),
  };
  const r = optObject(o, "rollout", `rollout of ${releaseId}`);
  if (r === undefined) invalid(`rollout of ${releaseId} is required`);
  const id = text("rollout id", reqString(r, "id", "rollout id"), 128);
  const weight = long(r, "weight", "rollout weight");
  if (weight < 0 || weight > 10000) {
    invalid(`rollout weight is in basis points and must be 0-10000, got ${weight}`);
  }
  const mandatory = bool(r, "mandatory", "rollout mandatory");
  const t = optObject(r, "targeting", "targeting");
  const rollout: RolloutInfo =
    t === undefined ? { id, weight, mandatory } : { id, weight, mandatory, targeting: readTargeting(t) };
  const l = optObject(o, "transparency", `transparency of ${releaseId}`);
  if (l === undefined) return { releaseId, versionCode, runtimeVersion, manifest, rollout };
  const transparency: LogEntryRef = {
    url: relativeUrl("log entry url", reqString(l, "url", "log entry url")),
    sha256: sha256Field("log entry sha256", reqString(l, "sha256", "log entry sha256")),
    size: positive("log entry size", long(l, "size", "log entry size")),
    origin: text("log origin", reqString(l, "origin", "log origin"), 255),
    logIndex: nonNegative("log index", long(l, "logIndex", "log index")),
  };
  return { releaseId, versionCode, runtimeVersion, manifest, rollout, transparency };
}

/** Reads a channel index payload (the JSON inside a verified COSE document). */
export function readChannelIndex(json: Uint8Array): ChannelIndex {
  return channelIndexFromObject(rootObject(json, "channel index"));
}

export function channelIndexFromObject(o: JsonObject): ChannelIndex {
  const schema = optString(o, "schema", "schema");
  if (schema !== CHANNEL_INDEX_SCHEMA) {
    invalid(`schema must be '${CHANNEL_INDEX_SCHEMA}', got '${String(schema)}'`);
  }
  const appId = name("appId", reqString(o, "appId", "appId"));
  const plat = platform(o);
  const channel = name("channel", reqString(o, "channel", "channel"));
  const version = positive("index version", long(o, "version", "version"));
  const issuedAt = timestamp("issuedAt", reqString(o, "issuedAt", "issuedAt"));
  const expiresAt = timestamp("expiresAt", reqString(o, "expiresAt", "expiresAt"));
  if (!(parseTimestamp(expiresAt) > parseTimestamp(issuedAt))) invalid("expiresAt must be after issuedAt");
  const minVersionCode = nonNegative("minVersionCode", long(o, "minVersionCode", "minVersionCode"));
  const releases = list(o, "releases", "releases").map((r) => readChannelRelease(asObject(r, "release")));
  const revokedList = stringList(o, "revoked", "revoked") ?? [];
  unique(
    "releases",
    releases.map((r) => r.releaseId),
  );
  unique(
    "releases (runtimeVersion, versionCode)",
    releases.map((r) => `${r.runtimeVersion} / versionCode ${r.versionCode}`),
  );
  unique("revoked", revokedList);
  revokedList.forEach((id) => name("revoked releaseId", id));
  return {
    schema: CHANNEL_INDEX_SCHEMA,
    appId,
    platform: plat,
    channel,
    version,
    issuedAt,
    expiresAt,
    minVersionCode,
    releases,
    revoked: revokedList,
  };
}

function readAsset(o: JsonObject): Asset {
  const path = text("asset path", reqString(o, "path", "asset path"), 1024);
  if (path.startsWith("/") || path.includes("\\") || `/${path}/`.includes("/../")) {
    invalid(`asset path must be relative and stay inside the bundle: '${path}'`);
  }
  return {
    path,
    sha256: sha256Field(`sha256 of ${path}`, reqString(o, "sha256", `sha256 of ${path}`)),
    size: positive(`size of ${path}`, long(o, "size", `size of ${path}`)),
    contentType: text(`contentType of ${path}`, reqString(o, "contentType", `contentType of ${path}`), 255),
    url: relativeUrl(`url of ${path}`, reqString(o, "url", `url of ${path}`)),
  };
}

function readDelta(o: JsonObject): DeltaRef {
  const fromSha256 = sha256Field("delta fromSha256", reqString(o, "fromSha256", "delta fromSha256"));
  const format = optString(o, "format", "delta format");
  if (format !== "kvxd1") invalid(`delta format must be 'kvxd1', got '${String(format)}'`);
  return {
    fromSha256,
    format,
    sha256: sha256Field("delta sha256", reqString(o, "sha256", "delta sha256")),
    size: positive("delta size", long(o, "size", "delta size")),
    url: relativeUrl("delta url", reqString(o, "url", "delta url")),
  };
}

/** Reads a release manifest payload (the JSON inside a verified COSE document). */
export function readReleaseManifest(json: Uint8Array): ReleaseManifest {
  const o = rootObject(json, "release manifest");
  const schema = optString(o, "schema", "schema");
  if (schema !== RELEASE_SCHEMA) invalid(`schema must be '${RELEASE_SCHEMA}', got '${String(schema)}'`);
  const appId = name("appId", reqString(o, "appId", "appId"));
  const plat = platform(o);
  const releaseId = name("releaseId", reqString(o, "releaseId", "releaseId"));
  const version = text("version", reqString(o, "version", "version"), 64);
  const versionCode = nonNegative("versionCode", long(o, "versionCode", "versionCode"));
  const runtimeVersion = text("runtimeVersion", reqString(o, "runtimeVersion", "runtimeVersion"), 64);
  const createdAt = timestamp("createdAt", reqString(o, "createdAt", "createdAt"));
  const la = optObject(o, "launchAsset", "launchAsset");
  if (la === undefined) invalid("launchAsset is required");
  const launchAsset = readAsset(la);
  const assets = list(o, "assets", "assets").map((a) => readAsset(asObject(a, "asset")));
  const deltas = list(o, "deltas", "deltas").map((d) => readDelta(asObject(d, "delta")));
  unique(
    "assets",
    assets.map((a) => a.path),
  );
  unique(
    "deltas",
    deltas.map((d) => d.fromSha256),
  );
  const metadata: Record<string, string> = {};
  const md = optObject(o, "metadata", "metadata");
  if (md !== undefined) {
    for (const [k, v] of Object.entries(md)) {
      if (v !== null && typeof v !== "string") invalid(`metadata '${k}' must be a string`);
      if (v !== null) metadata[k] = v;
    }
  }
  return {
    schema: RELEASE_SCHEMA,
    appId,
    platform: plat,
    releaseId,
    version,
    versionCode,
    runtimeVersion,
    createdAt,
    launchAsset,
    assets,
    deltas,
    metadata,
  };
}
