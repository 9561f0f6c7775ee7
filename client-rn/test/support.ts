/** Test helpers: a P-256 signer in the project's COSE profile, canonical JSON and in-memory ports. */
import { p256 } from "../src/p256.js";
import { sha256Hex, toHex, utf8DecodeStrict, utf8Encode } from "../src/bytes.js";
import { CborWriter } from "../src/cbor.js";
import { CONTENT_TYPE_CHANNEL_INDEX, CONTENT_TYPE_RELEASE, toBeSigned } from "../src/cose.js";
import type { BundlePort, HttpPort, HttpResponse, NativeLaunchReport, Ports, StoragePort } from "../src/ports.js";
import { HttpTooLargeError } from "../src/ports.js";
import type { OtaClientOptions } from "../src/client.js";

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined && o[k] !== null)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(",")}}`;
}

export class TestSigner {
  readonly secretKey: Uint8Array;
  readonly publicKeyHex: string;
  /** `secretKey` makes signatures reproducible (RFC 6979) and needs no RNG (the Hermes CLI has none). */
  constructor(
    readonly kid: string,
    secretKey?: Uint8Array,
  ) {
    this.secretKey = secretKey ?? p256.utils.randomSecretKey();
    this.publicKeyHex = toHex(p256.getPublicKey(this.secretKey, false));
  }

  sign(contentType: string, payload: Uint8Array): Uint8Array {
    const protectedHeader = new CborWriter()
      .mapHeader(3)
      .integer(1)
      .integer(-7)
      .integer(3)
      .text(contentType, utf8Encode(contentType))
      .integer(4)
      .bytes(utf8Encode(this.kid))
      .toBytes();
    const sig = p256.sign(toBeSigned(protectedHeader, payload), this.secretKey, { prehash: true, lowS: true, format: "compact" });
    return new CborWriter().tag(18).arrayHeader(4).bytes(protectedHeader).mapHeader(0).bytes(payload).bytes(sig).toBytes();
  }

  signJson(contentType: string, doc: unknown): Uint8Array {
    return this.sign(contentType, utf8Encode(canonicalJson(doc)));
  }

  keys(): Record<string, { rawPubHex: string }> {
    return { [this.kid]: { rawPubHex: this.publicKeyHex } };
  }
}

export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface Route {
  status?: number;
  body: Uint8Array;
  etag?: string;
}

/** A fake CDN / server: routes by URL (without query for prefix routes). */
export class FakeHttp implements HttpPort {
  readonly routes = new Map<string, Route | ((url: string, headers: Record<string, string>) => Route)>();
  readonly requests: { url: string; headers: Record<string, string> }[] = [];
  readonly posts: { url: string; body: string }[] = [];
  postStatus = 200;

  async get(url: string, options: { headers?: Readonly<Record<string, string>>; maxBytes: number }): Promise<HttpResponse> {
    const headers = { ...(options.headers ?? {}) };
    this.requests.push({ url, headers });
    const key = this.routes.has(url) ? url : url.split("?")[0]!;
    const r = this.routes.get(key);
    if (r === undefined) return { status: 404, headers: {}, body: new Uint8Array(0) };
    const route = typeof r === "function" ? r(url, headers) : r;
    if (route.etag !== undefined && headers["if-none-match"] === route.etag) {
      return { status: 304, headers: { etag: route.etag }, body: new Uint8Array(0) };
    }
    if (route.body.length > options.maxBytes) throw new HttpTooLargeError(url, options.maxBytes);
    return {
      status: route.status ?? 200,
      headers: route.etag === undefined ? {} : { etag: route.etag },
      body: route.body,
    };
  }

  async post(url: string, body: Uint8Array): Promise<{ status: number }> {
    this.posts.push({ url, body: utf8DecodeStrict(body) ?? "" });
    return { status: this.postStatus };
  }
}

export class MemoryStorage implements StoragePort {
  readonly kv = new Map<string, string>();
  readonly files = new Map<string, Uint8Array>();
  async getItem(k: string) {
    return this.kv.get(k) ?? null;
  }
  async setItem(k: string, v: string) {
    this.kv.set(k, v);
  }
  async removeItem(k: string) {
    this.kv.delete(k);
  }
  async readFile(p: string) {
    return this.files.get(p) ?? null;
  }
  async writeFile(p: string, d: Uint8Array) {
    this.files.set(p, new Uint8Array(d));
  }
  async rename(from: string, to: string) {
    for (const [k, v] of [...this.files]) {
      if (k === from || k.startsWith(`${from}/`)) {
        this.files.delete(k);
        this.files.set(to + k.slice(from.length), v);
      }
    }
  }
  async remove(p: string) {
    for (const k of [...this.files.keys()]) if (k === p || k.startsWith(`${p}/`)) this.files.delete(k);
  }
  async exists(p: string) {
    return [...this.files.keys()].some((k) => k === p || k.startsWith(`${p}/`));
  }
  async list(dir: string) {
    const out = new Set<string>();
    for (const k of this.files.keys()) if (k.startsWith(`${dir}/`)) out.add(k.slice(dir.length + 1).split("/")[0]!);
    return [...out];
  }
  resolve(p: string) {
    return `/data/ota/${p}`;
  }
}

export class FakeBundle implements BundlePort {
  active: string | null = null;
  restarts = 0;
  /** What the native side reports at the next start (as KivyxOta.kt/.swift would). */
  native: NativeLaunchReport = { binaryVersion: null, dropped: null };
  async launchReport() {
    return this.native;
  }
  async clearLaunchReport() {
    this.native = { ...this.native, dropped: null };
  }
  async activeBundlePath() {
    return this.active;
  }
  async setPendingBundle(p: string | null) {
    this.active = p;
  }
  async restart() {
    this.restarts++;
  }
}

export class Clock {
  constructor(public ms: number) {}
  now = (): number => this.ms;
}

export type MemoryPorts = Ports & { http: FakeHttp; storage: MemoryStorage; bundle: FakeBundle };

export function memoryPorts(clock: Clock): MemoryPorts {
  return { http: new FakeHttp(), storage: new MemoryStorage(), bundle: new FakeBundle(), now: clock.now };
}

/** The fake CDN the client unit tests serve from, and the instant their clocks start at. */
export const CDN = "https://cdn.test/";
export const T0 = Date.parse("2026-11-27T10:00:00Z");

/** One device of com.kivyx.app on ios/production, runtime 1.0.0, polling {@link CDN} on in-memory ports; `extra` adds its keys. */
export function deviceOptions(ports: MemoryPorts, extra: Partial<OtaClientOptions>): OtaClientOptions {
  return {
    appId: "com.kivyx.app",
    platform: "ios",
    channel: "production",
    runtimeVersion: "1.0.0",
    deviceId: "device-1",
    cdnBase: CDN,
    ports,
    ...extra,
  };
}

/** A tiny static store: blobs by SHA-256, manifests and an index, like `kivyx-ota publish` writes. */
export class FakeStore {
  readonly blobs = new Map<string, Uint8Array>();
  releases: Record<string, unknown>[] = [];
  revoked: string[] = [];
  version = 0;
  constructor(
    readonly signer: TestSigner,
    readonly appId = "com.kivyx.app",
    readonly platform = "ios",
    readonly channel = "production",
  ) {}

  blob(data: Uint8Array): { url: string; sha256: string; size: number } {
    const sha = sha256Hex(data);
    const url = `apps/${this.appId}/blobs/sha256/${sha}`;
    this.blobs.set(url, data);
    return { url, sha256: sha, size: data.length };
  }

  publish(opts: {
    releaseId: string;
    versionCode: number;
    bundle: Uint8Array;
    runtimeVersion?: string;
    mandatory?: boolean;
    weight?: number;
    deltas?: { from: Uint8Array; patch: Uint8Array }[];
    createdAt?: string;
  }): Uint8Array {
    const launch = this.blob(opts.bundle);
    const manifest = {
      schema: "kivyx.ota/release@1",
      appId: this.appId,
      platform: this.platform,
      releaseId: opts.releaseId,
      version: `1.0.${opts.versionCode}`,
      versionCode: opts.versionCode,
      runtimeVersion: opts.runtimeVersion ?? "1.0.0",
      createdAt: opts.createdAt ?? "2026-11-27T10:00:00Z",
      launchAsset: { path: "index.bundle", contentType: "application/javascript", ...launch },
      assets: [],
      deltas: (opts.deltas ?? []).map((d) => ({ fromSha256: sha256Hex(d.from), format: "kvxd1", ...this.blob(d.patch) })),
      metadata: {},
    };
    const cose = this.signer.signJson(CONTENT_TYPE_RELEASE, manifest);
    const ref = this.blob(cose);
    this.releases.push({
      releaseId: opts.releaseId,
      versionCode: opts.versionCode,
      runtimeVersion: opts.runtimeVersion ?? "1.0.0",
      manifest: ref,
      rollout: { id: `ro-${opts.releaseId}`, weight: opts.weight ?? 10000, mandatory: opts.mandatory ?? false },
    });
    return cose;
  }

  index(nowMs: number, ttlMs = 7 * 86400_000, signer: TestSigner = this.signer): Uint8Array {
    this.version++;
    return signer.signJson(CONTENT_TYPE_CHANNEL_INDEX, {
      schema: "kivyx.ota/channel-index@1",
      appId: this.appId,
      platform: this.platform,
      channel: this.channel,
      version: this.version,
      issuedAt: iso(nowMs),
      expiresAt: iso(nowMs + ttlMs),
      minVersionCode: 0,
      releases: this.releases,
      revoked: this.revoked,
    });
  }

  serve(http: FakeHttp, cdnBase: string, indexBytes: Uint8Array): void {
    for (const [url, data] of this.blobs) http.routes.set(cdnBase + url, { body: data });
    http.routes.set(`${cdnBase}apps/${this.appId}/${this.platform}/${this.channel}/index.cose`, {
      body: indexBytes,
      etag: `"${sha256Hex(indexBytes).slice(0, 16)}"`,
    });
  }
}
