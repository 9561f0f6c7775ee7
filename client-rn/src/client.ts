/**
 * The OTA client: poll (static index from a CDN, or the manifest server's answer), verify
 * everything against pinned keys, decide with the shared decision function, download a delta
 * or the full bundle (each capped at its signed size and checked against its SHA-256), stage
 * atomically, launch in trial and roll back what does not prove healthy.
 */
import { base64Decode, base64Encode, sha256Hex } from "./bytes.js";
import {
  CONTENT_TYPE_CHANNEL_INDEX,
  CONTENT_TYPE_RELEASE,
  CoseVerifier,
  DEFAULT_MAX_DOCUMENT_BYTES,
  PublicKeySpec,
  parsePublicKey,
} from "./cose.js";
import { Decision, DeviceInfo, decide } from "./decision.js";
import { applyKvxd1 } from "./delta.js";
import {
  Asset,
  ChannelIndex,
  ChannelRelease,
  Platform,
  ReleaseManifest,
  parseTimestamp,
  readChannelIndex,
  readReleaseManifest,
} from "./documents.js";
import { CoseRejectedError, OtaError } from "./errors.js";
import { isObject, parseStrictJson } from "./json.js";
import { KeySetRejectedError, loadKeySet, requireFreshKeySet, signingKeysAt, unverifiedKeySet } from "./keyset.js";
import {
  InstalledRelease,
  LifecycleEffect,
  LifecycleEvent,
  LifecycleState,
  RollbackReason,
  StateV2,
  nextRelease,
  readState,
  runningRelease,
  step,
} from "./lifecycle.js";
import type { Ports } from "./ports.js";
import { HttpTooLargeError } from "./ports.js";
import { EventReason, EventType, Telemetry, TelemetryOptions } from "./telemetry.js";
import { LogEntryRejectedError, PinnedLog, TransparencyMode, verifyManifestLogEntry } from "./transparency.js";

export interface HealthOptions {
  /** Launches a new bundle gets to call markHealthy() before the next start rolls it back. */
  readonly maxLaunches?: number;
  /** Time a new bundle gets (from its first launch) to call markHealthy(). */
  readonly timeoutMs?: number;
}

export interface OtaClientOptions {
  readonly appId: string;
  readonly platform: Platform;
  readonly channel: string;
  readonly runtimeVersion: string;
  /** Stable per install. */
  readonly deviceId: string;
  /** Static mode: the index and blobs are read from here (store root, ends with '/'). */
  readonly cdnBase?: string;
  /** Dynamic mode: ask `{serverUrl}v1/apps/…/update`; blobs come from cdnBase, else from here. */
  readonly serverUrl?: string;
  /**
   * Pinned signing keys: kid -> raw uncompressed point hex, or SPKI PEM. With `rootKeys` they
   * are used only until the first key set is trusted (a store that has none yet).
   */
  readonly publicKeys?: Readonly<Record<string, PublicKeySpec>>;
  /**
   * Pinned root keys: the app's signed key set (`apps/<appId>/keys.cose`) is fetched and
   * verified from these on every check, and indexes and manifests are accepted only when
   * signed by one of its keys inside its window (key rotation without a new binary).
   */
  readonly rootKeys?: Readonly<Record<string, PublicKeySpec>>;
  readonly rnVersion?: string;
  readonly arch?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly health?: HealthOptions;
  readonly ports?: Ports;
  /** SHA-256 (hex) of the bundle embedded in the app, so deltas from it can be used. */
  readonly embeddedBundleSha256?: string;
  /** Restart right after a health rollback so the previous bundle runs now (default true). */
  readonly restartOnRollback?: boolean;
  readonly telemetry?: TelemetryOptions;
  /** Largest launch asset or asset accepted at all (default 64 MiB). */
  readonly maxBundleBytes?: number;
  /**
   * Whether a release must be in a pinned transparency log (default "off"): "audit" checks and
   * reports a failure in `CheckResult.transparencyError` but installs; "enforce" refuses.
   */
  readonly transparency?: TransparencyMode;
  /** The logs whose entries are accepted (needed unless transparency is "off"). */
  readonly transparencyLogs?: readonly PinnedLog[];
}

export type CheckStatus = "updated" | "upToDate" | "rolledBack" | "failed";

export interface CheckResult {
  readonly status: CheckStatus;
  readonly releaseId?: string;
  readonly mandatory?: boolean;
  readonly usedDelta?: boolean;
  /** Bytes downloaded for this update. */
  readonly bytes?: number;
  readonly error?: string;
  /** Why a delta was not used, when one was offered. */
  readonly deltaError?: string;
  /** In transparency "audit" mode: why the release's log entry did not check out (it was installed anyway). */
  readonly transparencyError?: string;
}

export interface HealthResult {
  readonly status: "ok" | "trial" | "rolledBack";
  readonly releaseId?: string;
  /** Why, in words. */
  readonly reason?: string;
  /** Why, as the bounded code telemetry carries. */
  readonly rollbackReason?: RollbackReason;
}

type PersistedState = StateV2;

export interface OtaState {
  readonly currentReleaseId: string | null;
  readonly pendingReleaseId: string | null;
  readonly pendingEmbedded: boolean;
  readonly previousReleaseId: string | null;
  readonly trial: { readonly releaseId: string; readonly launches: number; readonly startedAt: number } | null;
  readonly failedReleases: readonly string[];
  readonly lastIndexVersion: number;
  readonly newestSignedTime: string | null;
  /** The lifecycle state's kind (README "Lifecycle"). */
  readonly phase: LifecycleState["kind"];
  /** The app binary the state was written under, as native reported it. */
  readonly binaryVersion: string | null;
  /** The version of the trusted key set (null: none yet, or no root keys pinned). */
  readonly keySetVersion: number | null;
}

const STATE_KEY = "kivyx-ota/state";
const DEFAULT_MAX_BUNDLE = 64 * 1024 * 1024;

function message(e: unknown): string {
  if (e instanceof OtaError || e instanceof CoseRejectedError) return e.message;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

export interface OtaClient {
  ensureHealthyOrRollback(): Promise<HealthResult>;
  checkAndApply(): Promise<CheckResult>;
  markHealthy(): Promise<void>;
  /** The state as of the last operation (call any async method once first). */
  state(): OtaState;
  /** Reads the persisted state. */
  loadState(): Promise<OtaState>;
  /** Restarts now so a staged (e.g. mandatory) update runs. */
  restartNow(): Promise<void>;
  /** Sends queued telemetry now (normally it goes in the background). */
  flushEvents(): Promise<void>;
  pendingEvents(): Promise<number>;
}

export function createOtaClient(options: OtaClientOptions): OtaClient {
  return new Client(options);
}

class Client implements OtaClient {
  private readonly ports: Ports;
  /** Pinned signing keys; null when only root keys are pinned. */
  private readonly pinnedVerifier: CoseVerifier | null;
  private readonly rootKeys: Readonly<Record<string, Uint8Array>> | null;
  /** What verifies indexes and manifests during the current check (set at its start). */
  private verifier: CoseVerifier;
  private readonly telemetry: Telemetry;
  private readonly now: () => number;
  private cached: PersistedState = readState(null);
  private lock: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: OtaClientOptions) {
    if (options.ports === undefined) {
      const defaults = getDefaultPorts();
      if (defaults === null) {
        throw new Error(
          "no ports given and no default React Native ports registered: pass `ports` " +
            "(e.g. nodePorts from @kivyx-ota/client-react-native/node)",
        );
      }
      this.ports = defaults;
    } else {
      this.ports = options.ports;
    }
    if (options.cdnBase === undefined && options.serverUrl === undefined) {
      throw new Error("give cdnBase (static mode) or serverUrl (dynamic mode)");
    }
    const pinned = options.publicKeys ?? {};
    const roots = options.rootKeys ?? {};
    if (Object.keys(pinned).length === 0 && Object.keys(roots).length === 0) {
      throw new Error("pin publicKeys (signing keys) or rootKeys (key set roots), or both");
    }
    this.pinnedVerifier = Object.keys(pinned).length === 0 ? null : new CoseVerifier(pinned);
    this.rootKeys = Object.keys(roots).length === 0 ? null : Object.fromEntries(Object.entries(roots).map(([k, v]) => [k, parsePublicKey(v)]));
    this.verifier = this.pinnedVerifier ?? new CoseVerifier(this.rootKeys ?? {});
    if ((options.transparency ?? "off") !== "off" && (options.transparencyLogs ?? []).length === 0) {
      throw new Error(`transparency "${options.transparency ?? ""}" needs transparencyLogs: the pinned {origin, key} of each accepted log`);
    }
    this.now = this.ports.now ?? (() => Date.now());
    this.telemetry = new Telemetry(
      options.serverUrl === undefined ? null : `${withSlash(options.serverUrl)}v1/events`,
      this.ports.http,
      this.ports.storage,
      this.now,
      options.telemetry,
    );
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<PersistedState> {
    const s = readState(await this.ports.storage.getItem(STATE_KEY));
    this.cached = s;
    return s;
  }

  private async save(s: PersistedState): Promise<void> {
    await this.ports.storage.setItem(STATE_KEY, JSON.stringify(s));
    this.cached = s;
  }

  private async event(type: EventType, releaseId: string, detail?: string, reason?: EventReason): Promise<void> {
    const e = {
      type,
      appId: this.options.appId,
      platform: this.options.platform,
      channel: this.options.channel,
      releaseId,
      deviceId: this.options.deviceId,
      time: new Date(this.now()).toISOString(),
      ...(detail === undefined ? {} : { detail: detail.slice(0, 1000) }),
      ...(reason === undefined ? {} : { reason }),
    };
    try {
      await this.telemetry.record(e);
    } catch {
      // never let telemetry break an update
    }
  }

  state(): OtaState {
    return snapshot(this.cached);
  }

  async loadState(): Promise<OtaState> {
    return this.serialized(async () => snapshot(await this.load()));
  }

  restartNow(): Promise<void> {
    return this.ports.bundle.restart();
  }

  flushEvents(): Promise<void> {
    return this.telemetry.flush();
  }

  pendingEvents(): Promise<number> {
    return this.telemetry.pending();
  }

  // ---------------------------------------------------------------- health

  ensureHealthyOrRollback(): Promise<HealthResult> {
    const result = this.serialized(() => this.doEnsureHealthy());
    void result.then(() => this.telemetry.flushSoon(), () => undefined);
    return result;
  }

  private lifecycleOptions() {
    return {
      maxLaunches: this.options.health?.maxLaunches ?? 2,
      timeoutMs: this.options.health?.timeoutMs ?? 30_000,
      restartOnRollback: this.options.restartOnRollback ?? true,
    };
  }

  /** Steps the lifecycle, saves, then carries out the effects in order. */
  private async apply(s: PersistedState, events: readonly LifecycleEvent[]): Promise<LifecycleEffect[]> {
    const all: LifecycleEffect[] = [];
    for (const e of events) {
      const r = step(s.lifecycle, e, this.lifecycleOptions());
      s.lifecycle = r.state;
      all.push(...r.effects);
    }
    for (const e of all) {
      if (e.kind === "markFailed" && !s.failedReleases.includes(e.releaseId)) s.failedReleases.push(e.releaseId);
    }
    await this.save(s);
    const storage = this.ports.storage;
    for (const e of all) {
      switch (e.kind) {
        case "setPendingBundle":
          await this.ports.bundle.setPendingBundle(e.bundle === null ? null : storage.resolve(e.bundle));
          break;
        case "report":
          await this.event(e.type, e.releaseId, e.detail, e.reason);
          break;
        case "remove":
          await storage.remove(e.path).catch(() => undefined); // a leftover is cleaned up later
          break;
        case "removeAllBut":
          await this.removeAllBut(e.keep);
          break;
        case "restart":
          await this.ports.bundle.restart();
          break;
        case "markFailed":
          break;
      }
    }
    return all;
  }

  /** What native says about this start, as lifecycle events (none without a native report). */
  private async startupEvents(s: PersistedState): Promise<LifecycleEvent[]> {
    const read = this.ports.bundle.launchReport;
    if (read === undefined) return [];
    const report = await read.call(this.ports.bundle);
    const events: LifecycleEvent[] = [];
    const binary = report.binaryVersion;
    if (binary !== null && binary !== s.binaryVersion) {
      // A state with no binary version was written by an older native module, so by an older binary.
      const fresh = s.binaryVersion === null && s.lifecycle.kind === "embedded";
      if (!fresh) events.push({ type: "binaryChanged", from: s.binaryVersion ?? "unknown", to: binary });
      s.binaryVersion = binary;
    }
    if (report.dropped !== null) {
      const abs = report.dropped.bundle;
      const storage = this.ports.storage;
      const known = [nextRelease(s.lifecycle), runningRelease(s.lifecycle)].find(
        (r) => r !== null && storage.resolve(r.bundle) === abs,
      );
      events.push({ type: "nativeDropped", bundle: known?.bundle ?? null, reason: report.dropped.reason });
    }
    return events;
  }

  private async doEnsureHealthy(): Promise<HealthResult> {
    const s = await this.load();
    const events = await this.startupEvents(s);
    const hadReport = events.length > 0;
    const afterNative = events.reduce((st, e) => step(st, e, this.lifecycleOptions()).state, s.lifecycle);
    const expected = nextRelease(afterNative);
    const active = await this.ports.bundle.activeBundlePath();
    const loaded = active === (expected === null ? null : this.ports.storage.resolve(expected.bundle));
    events.push({ type: "launched", nativeLoadedPending: loaded, now: this.now() });
    const effects = await this.apply(s, events);
    if (hadReport) await this.ports.bundle.clearLaunchReport?.();
    const rolledBack = effects.find(
      (e): e is LifecycleEffect & { kind: "report" } => e.kind === "report" && e.type === "rolledBack",
    );
    if (rolledBack !== undefined) {
      return {
        status: "rolledBack",
        releaseId: rolledBack.releaseId,
        ...(rolledBack.detail === undefined ? {} : { reason: rolledBack.detail }),
        ...(rolledBack.reason === undefined || rolledBack.reason === "binaryChanged" ? {} : { rollbackReason: rolledBack.reason }),
      };
    }
    if (s.lifecycle.kind === "trial") return { status: "trial", releaseId: s.lifecycle.current.releaseId };
    const running = runningRelease(s.lifecycle);
    return { status: "ok", ...(running ? { releaseId: running.releaseId } : {}) };
  }

  markHealthy(): Promise<void> {
    const result = this.serialized(async () => {
      const s = await this.load();
      if (s.lifecycle.kind !== "trial") return;
      await this.apply(s, [{ type: "markedHealthy" }]);
    });
    void result.then(() => this.telemetry.flushSoon(), () => undefined);
    return result;
  }

  /** Removes release directories outside `keep`, and stale staging directories. */
  private async removeAllBut(keep: readonly string[]): Promise<void> {
    const kept = new Set(keep);
    const storage = this.ports.storage;
    try {
      for (const name of await storage.list("releases")) {
        if (!kept.has(`releases/${name}`)) await storage.remove(`releases/${name}`);
      }
      await storage.remove("staging");
    } catch {
      // best effort
    }
  }

  // ---------------------------------------------------------------- update

  checkAndApply(): Promise<CheckResult> {
    const result = this.serialized(async () => {
      try {
        return await this.doCheckAndApply();
      } catch (e) {
        return { status: "failed" as const, error: message(e) };
      }
    });
    void result.then(() => this.telemetry.flushSoon(), () => undefined);
    return result;
  }

  private device(s: PersistedState): DeviceInfo {
    const o = this.options;
    const running = nextRelease(s.lifecycle);
    return {
      deviceId: o.deviceId,
      runtimeVersion: o.runtimeVersion,
      currentReleaseId: running?.releaseId ?? null,
      rnVersion: o.rnVersion ?? null,
      arch: o.arch ?? null,
      attributes: o.attributes ?? {},
    };
  }

  private async doCheckAndApply(): Promise<CheckResult> {
    const s = await this.load();
    this.verifier = await this.documentVerifier(s);
    const device = this.device(s);
    if (this.options.serverUrl !== undefined) {
      const answer = await this.pollServer(s, device);
      const local = decide(answer.index, device);
      const offered = answer.decision.releaseId === undefined || answer.index.releases.some((r) => r.releaseId === answer.decision.releaseId);
      if (!offered) {
        throw new OtaError(
          "SERVER_RELEASE_NOT_IN_INDEX",
          `the server offered release '${answer.decision.releaseId}', which the signed index does not offer`,
        );
      }
      if (
        local.decision !== answer.decision.decision ||
        local.releaseId !== answer.decision.releaseId ||
        local.mandatory !== answer.decision.mandatory
      ) {
        throw new OtaError(
          "SERVER_DECISION_MISMATCH",
          `the server answered ${JSON.stringify(answer.decision)} but the signed index gives ${JSON.stringify(local)}`,
        );
      }
      return this.act(s, answer.index, local, answer.manifest);
    }
    const index = await this.pollStatic(s);
    return this.act(s, index, decide(index, device), null);
  }

  private blobBase(): string {
    return withSlash(this.options.cdnBase ?? this.options.serverUrl ?? "");
  }

  /** GET with If-None-Match; a 304 reuses the last body fetched from the same URL. */
  private async conditionalGet(s: PersistedState, url: string, maxBytes: number): Promise<{ body: Uint8Array; etag: string | null }> {
    const headers: Record<string, string> = {};
    if (s.cache !== null && s.cache.url === url) headers["if-none-match"] = s.cache.etag;
    const resp = await this.ports.http.get(url, { headers, maxBytes });
    if (resp.status === 304) {
      if (s.cache === null || s.cache.url !== url) throw new OtaError("HTTP_304_WITHOUT_CACHE", `${url} answered 304 but nothing is cached`);
      return { body: base64Decode(s.cache.body), etag: null };
    }
    if (resp.status !== 200) throw new OtaError("HTTP_STATUS", `GET ${url} answered HTTP ${resp.status}`);
    return { body: resp.body, etag: resp.headers["etag"] ?? null };
  }

  private remember(s: PersistedState, url: string, body: Uint8Array, etag: string | null): void {
    if (etag !== null) s.cache = { url, etag, body: base64Encode(body) };
  }

  private async pollStatic(s: PersistedState): Promise<ChannelIndex> {
    const o = this.options;
    const url = `${withSlash(o.cdnBase ?? "")}apps/${encodeURIComponent(o.appId)}/${o.platform}/${encodeURIComponent(o.channel)}/index.cose`;
    const { body, etag } = await this.conditionalGet(s, url, DEFAULT_MAX_DOCUMENT_BYTES);
    const index = this.acceptIndex(s, body);
    this.remember(s, url, body, etag);
    await this.save(s);
    return index;
  }

  private async pollServer(
    s: PersistedState,
    device: DeviceInfo,
  ): Promise<{ index: ChannelIndex; decision: Decision; manifest: Uint8Array | null }> {
    const o = this.options;
    const q: [string, string][] = [
      ["deviceId", o.deviceId],
      ["runtimeVersion", o.runtimeVersion],
    ];
    if (device.currentReleaseId) q.push(["currentReleaseId", device.currentReleaseId]);
    if (o.rnVersion !== undefined) q.push(["rnVersion", o.rnVersion]);
    if (o.arch !== undefined) q.push(["arch", o.arch]);
    for (const [k, v] of Object.entries(o.attributes ?? {})) q.push([`attr.${k}`, v]);
    const query = q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
    const url =
      `${withSlash(o.serverUrl ?? "")}v1/apps/${encodeURIComponent(o.appId)}/${o.platform}` +
      `/channels/${encodeURIComponent(o.channel)}/update?${query}`;
    const { body, etag } = await this.conditionalGet(s, url, 3 * DEFAULT_MAX_DOCUMENT_BYTES);
    const json = parseStrictJson(body, "update answer");
    if (!isObject(json)) throw new OtaError("BAD_ANSWER", "the update answer is not a JSON object");
    const kind = json["decision"];
    if (kind !== "update" && kind !== "none" && kind !== "rollBackToEmbedded") {
      throw new OtaError("BAD_ANSWER", `unknown decision ${JSON.stringify(kind)}`);
    }
    const mandatory = json["mandatory"] ?? false;
    const releaseId = json["releaseId"] ?? undefined;
    const indexB64 = json["index"];
    const manifestB64 = json["manifest"] ?? null;
    if (typeof mandatory !== "boolean" || (releaseId !== undefined && typeof releaseId !== "string")) {
      throw new OtaError("BAD_ANSWER", "mandatory or releaseId has the wrong type");
    }
    if (typeof indexB64 !== "string" || (manifestB64 !== null && typeof manifestB64 !== "string")) {
      throw new OtaError("BAD_ANSWER", "the answer must carry the signed index (and manifest) as base64");
    }
    let indexBytes: Uint8Array;
    let manifest: Uint8Array | null;
    try {
      indexBytes = base64Decode(indexB64);
      manifest = manifestB64 === null ? null : base64Decode(manifestB64);
    } catch (e) {
      throw new OtaError("BAD_ANSWER", `bad base64 in the answer: ${message(e)}`);
    }
    const index = this.acceptIndex(s, indexBytes);
    this.remember(s, url, body, etag);
    await this.save(s);
    const decision: Decision =
      releaseId === undefined ? { decision: kind, mandatory } : { decision: kind, releaseId, mandatory };
    return { index, decision, manifest };
  }

  /**
   * The keys indexes and manifests must be signed with now: the pinned signing keys, or with
   * root keys the signing keys of the freshest key set trusted from them (saved as it is accepted).
   */
  private async documentVerifier(s: PersistedState): Promise<CoseVerifier> {
    if (this.rootKeys === null) return this.pinnedVerifier as CoseVerifier;
    const trusted = s.keySet === undefined || s.keySet === null ? null : unverifiedKeySet(base64Decode(s.keySet));
    const reference = Math.max(this.now(), s.newestSignedTime);
    let loaded;
    try {
      loaded = await loadKeySet(this.options.appId, trusted, this.rootKeys, (path) => this.fetchKeySet(path), reference);
    } catch (e) {
      if (!(e instanceof KeySetRejectedError) || e.reason !== "MISSING") throw e;
      // Nothing (newer) to read: keep the trusted key set while it is fresh. A store without any
      // key set yet leaves the pinned signing keys in charge (migration), never once one was trusted.
      if (trusted !== null) {
        requireFreshKeySet(trusted, reference);
        return new CoseVerifier(signingKeysAt(trusted, reference));
      }
      if (this.pinnedVerifier !== null) return this.pinnedVerifier;
      throw e;
    }
    const stored = base64Encode(loaded.cose);
    if (stored !== s.keySet) {
      s.keySet = stored;
      await this.save(s);
    }
    return new CoseVerifier(signingKeysAt(loaded.keySet, reference));
  }

  private async fetchKeySet(path: string): Promise<Uint8Array | null> {
    const url = this.blobBase() + path;
    const resp = await this.ports.http.get(url, { maxBytes: DEFAULT_MAX_DOCUMENT_BYTES });
    if (resp.status === 404) return null;
    if (resp.status !== 200) throw new OtaError("HTTP_STATUS", `GET ${url} answered HTTP ${resp.status}`);
    return resp.body;
  }

  /** Verifies an index and applies the replay and freeze rules; updates (unsaved) state. */
  private acceptIndex(s: PersistedState, bytes: Uint8Array): ChannelIndex {
    const doc = this.verifier.verify(bytes, CONTENT_TYPE_CHANNEL_INDEX);
    const index = readChannelIndex(doc.payload);
    const o = this.options;
    if (index.appId !== o.appId || index.platform !== o.platform || index.channel !== o.channel) {
      throw new OtaError(
        "INDEX_FOR_ANOTHER_CHANNEL",
        `the index is for ${index.appId}/${index.platform}/${index.channel}, not ${o.appId}/${o.platform}/${o.channel}`,
      );
    }
    if (index.version < s.lastIndexVersion) {
      throw new OtaError(
        "INDEX_REPLAYED",
        `index version ${index.version} is older than version ${s.lastIndexVersion} already accepted`,
      );
    }
    const reference = Math.max(this.now(), s.newestSignedTime);
    const expires = parseTimestamp(index.expiresAt);
    if (expires <= reference) {
      throw new OtaError(
        "INDEX_EXPIRED",
        `index version ${index.version} expired at ${index.expiresAt} (now ${new Date(reference).toISOString()})`,
      );
    }
    s.lastIndexVersion = index.version;
    s.newestSignedTime = Math.max(s.newestSignedTime, parseTimestamp(index.issuedAt));
    return index;
  }

  private async act(
    s: PersistedState,
    index: ChannelIndex,
    decision: Decision,
    manifestBytes: Uint8Array | null,
  ): Promise<CheckResult> {
    if (decision.decision === "none") return { status: "upToDate" };
    if (decision.decision === "rollBackToEmbedded") {
      await this.apply(s, [{ type: "stagedEmbedded" }]);
      return { status: "rolledBack", mandatory: decision.mandatory };
    }
    const releaseId = decision.releaseId ?? "";
    if (s.failedReleases.includes(releaseId)) {
      return {
        status: "upToDate",
        releaseId,
        error: `release ${releaseId} failed its health check on this device and is not retried`,
      };
    }
    const entry = index.releases.find((r) => r.releaseId === releaseId);
    if (entry === undefined) throw new OtaError("NOT_IN_INDEX", `release ${releaseId} is not in the index`);
    let bytes = 0;
    let coseManifest = manifestBytes;
    if (coseManifest === null) {
      coseManifest = await this.download(entry.manifest.url, entry.manifest.size);
      bytes += coseManifest.length;
    }
    if (coseManifest.length !== entry.manifest.size || sha256Hex(coseManifest) !== entry.manifest.sha256) {
      throw new OtaError("MANIFEST_MISMATCH", `the manifest of ${releaseId} does not match the SHA-256 and size the index signs`);
    }
    const verified = this.verifier.verify(coseManifest, CONTENT_TYPE_RELEASE);
    const manifest = readReleaseManifest(verified.payload);
    const o = this.options;
    if (
      manifest.releaseId !== entry.releaseId ||
      manifest.appId !== o.appId ||
      manifest.platform !== o.platform ||
      manifest.runtimeVersion !== entry.runtimeVersion ||
      manifest.runtimeVersion !== o.runtimeVersion ||
      manifest.versionCode !== entry.versionCode
    ) {
      throw new OtaError("MANIFEST_MISMATCH", `the manifest of ${releaseId} does not describe the release the index offers`);
    }
    const logCheck = await this.checkTransparency(entry, coseManifest, verified.kid);
    bytes += logCheck.bytes;
    const audited = logCheck.error === undefined ? {} : { transparencyError: logCheck.error };
    if (s.lifecycle.kind === "staged" && s.lifecycle.pending.releaseId === releaseId) {
      return { status: "updated", releaseId, mandatory: decision.mandatory, usedDelta: false, bytes, ...audited };
    }
    const staged = await this.stage(s, manifest);
    bytes += staged.bytes;
    await this.apply(s, [{ type: "staged", release: { ...staged.release, mandatory: decision.mandatory }, usedDelta: staged.usedDelta }]);
    const result: CheckResult = {
      status: "updated",
      releaseId,
      mandatory: decision.mandatory,
      usedDelta: staged.usedDelta,
      bytes,
      ...audited,
    };
    return staged.deltaError === undefined ? result : { ...result, deltaError: staged.deltaError };
  }

  /**
   * The release's transparency log entry, named (size and SHA-256) by the signed index, checked
   * offline against the pinned logs. Enforce: a failure throws; audit: it is returned.
   */
  private async checkTransparency(
    entry: ChannelRelease,
    coseManifest: Uint8Array,
    kid: string,
  ): Promise<{ bytes: number; error?: string }> {
    const mode = this.options.transparency ?? "off";
    if (mode === "off") return { bytes: 0 };
    let bytes = 0;
    let error: string | undefined;
    const ref = entry.transparency;
    if (ref === undefined) {
      error = `release ${entry.releaseId} has no transparency log entry`;
    } else {
      try {
        const logEntry = await this.download(ref.url, ref.size);
        bytes = logEntry.length;
        if (logEntry.length !== ref.size || sha256Hex(logEntry) !== ref.sha256) {
          error = `the log entry of ${entry.releaseId} does not match the SHA-256 and size the index signs`;
        } else {
          // the key the manifest was just verified with: pinned, or from the trusted key set
          const signer = this.verifier.publicKey(kid);
          if (signer === undefined) throw new OtaError("TRANSPARENCY", `no trusted key ${kid}`);
          const logged = verifyManifestLogEntry(logEntry, coseManifest, signer, this.options.transparencyLogs ?? []);
          if (logged.logIndex !== ref.logIndex || logged.origin !== ref.origin) {
            error = `the index places the log entry of ${entry.releaseId} at ${ref.origin} #${ref.logIndex}, the entry says ${logged.origin} #${logged.logIndex}`;
          }
        }
      } catch (e) {
        if (!(e instanceof LogEntryRejectedError) && !(e instanceof OtaError)) throw e;
        error = `the log entry of ${entry.releaseId} was refused: ${e.message}`;
      }
    }
    if (error !== undefined && mode === "enforce") throw new OtaError("TRANSPARENCY", error);
    return error === undefined ? { bytes } : { bytes, error };
  }

  /** GET capped at the signed size; the caller checks the hash. */
  private async download(relativeUrl: string, size: number): Promise<Uint8Array> {
    const url = this.blobBase() + relativeUrl;
    let resp;
    try {
      resp = await this.ports.http.get(url, { maxBytes: size });
    } catch (e) {
      if (e instanceof HttpTooLargeError) {
        throw new OtaError("TOO_LARGE", `${relativeUrl} is larger than its signed size of ${size} bytes`);
      }
      throw e;
    }
    if (resp.status !== 200) throw new OtaError("HTTP_STATUS", `GET ${url} answered HTTP ${resp.status}`);
    if (resp.body.length > size) {
      throw new OtaError("TOO_LARGE", `${relativeUrl} is larger than its signed size of ${size} bytes`);
    }
    return resp.body;
  }

  private async downloadVerified(asset: { url: string; size: number; sha256: string }, what: string): Promise<Uint8Array> {
    const body = await this.download(asset.url, asset.size);
    if (body.length !== asset.size || sha256Hex(body) !== asset.sha256) {
      throw new OtaError("HASH_MISMATCH", `${what} does not match its signed SHA-256 and size`);
    }
    return body;
  }

  /**
   * Puts a signed blob at `path`: natively streamed, capped and hashed when the port can (no
   * bundle bytes in JS), else downloaded and hashed here. Returns the bytes downloaded.
   */
  private async fetchToFile(asset: { url: string; size: number; sha256: string }, path: string, what: string): Promise<number> {
    const http = this.ports.http;
    const storage = this.ports.storage;
    if (http.downloadToFile === undefined) {
      const body = await this.downloadVerified(asset, what);
      await storage.writeFile(path, body);
      return body.length;
    }
    const url = this.blobBase() + asset.url;
    let r;
    try {
      r = await http.downloadToFile.call(http, url, storage.resolve(path), { maxBytes: asset.size });
    } catch (e) {
      if (e instanceof HttpTooLargeError) {
        throw new OtaError("TOO_LARGE", `${asset.url} is larger than its signed size of ${asset.size} bytes`);
      }
      throw e;
    }
    if (r.status !== 200) throw new OtaError("HTTP_STATUS", `GET ${url} answered HTTP ${r.status}`);
    if (r.size !== asset.size || r.sha256 !== asset.sha256) {
      await storage.remove(path);
      throw new OtaError("HASH_MISMATCH", `${what} does not match its signed SHA-256 and size`);
    }
    return r.size;
  }

  private async currentLaunchBytes(s: PersistedState): Promise<{ bytes: Uint8Array; sha256: string } | null> {
    const running = nextRelease(s.lifecycle);
    if (running !== null) {
      const bytes = await this.ports.storage.readFile(running.bundle);
      return bytes === null ? null : { bytes, sha256: running.sha256 };
    }
    const embeddedSha = this.options.embeddedBundleSha256;
    const read = this.ports.bundle.readEmbeddedBundle;
    if (embeddedSha === undefined || read === undefined) return null;
    const bytes = await read.call(this.ports.bundle);
    return bytes === null ? null : { bytes, sha256: embeddedSha };
  }

  private async stage(
    s: PersistedState,
    manifest: ReleaseManifest,
  ): Promise<{ release: InstalledRelease; usedDelta: boolean; deltaError?: string; bytes: number }> {
    const storage = this.ports.storage;
    const maxBundle = this.options.maxBundleBytes ?? DEFAULT_MAX_BUNDLE;
    const launch = manifest.launchAsset;
    if (launch.size > maxBundle) throw new OtaError("TOO_LARGE", `the launch asset is over ${maxBundle} bytes`);
    const staging = `staging/${manifest.releaseId}-${this.now()}`;
    const finalDir = `releases/${manifest.releaseId}`;
    await storage.remove(staging);
    let bytes = 0;
    let usedDelta = false;
    let deltaError: string | undefined;
    let launchBytes: Uint8Array | null = null;
    const old = await this.currentLaunchBytes(s).catch(() => null);
    const delta = old === null ? undefined : manifest.deltas.find((d) => d.fromSha256 === old.sha256);
    if (old !== null && delta !== undefined) {
      try {
        const patch = await this.downloadVerified(delta, `the delta from ${delta.fromSha256.slice(0, 12)}`);
        bytes += patch.length;
        // applyKvxd1 hashes its result once and refuses anything but the signed launch asset.
        const out = applyKvxd1(old.bytes, patch, {
          maxNewSize: launch.size,
          oldSha256: old.sha256,
          expectedNewSha256: launch.sha256,
        });
        if (out.length !== launch.size) {
          throw new OtaError("DELTA_RESULT_MISMATCH", "the patched bundle does not have the launch asset's size");
        }
        launchBytes = out;
        usedDelta = true;
      } catch (e) {
        deltaError = message(e);
      }
    }
    if (launchBytes === null) {
      bytes += await this.fetchToFile(launch, `${staging}/${launch.path}`, "the launch asset");
    } else {
      await storage.writeFile(`${staging}/${launch.path}`, launchBytes);
    }
    for (const asset of manifest.assets) {
      if (asset.size > maxBundle) throw new OtaError("TOO_LARGE", `${asset.path} is over ${maxBundle} bytes`);
      const reused = await this.reuseAsset(s, asset);
      if (reused === null) bytes += await this.fetchToFile(asset, `${staging}/${asset.path}`, asset.path);
      else await storage.writeFile(`${staging}/${asset.path}`, reused);
    }
    await storage.remove(finalDir);
    await storage.rename(staging, finalDir);
    return {
      release: {
        releaseId: manifest.releaseId,
        versionCode: manifest.versionCode,
        dir: finalDir,
        bundle: `${finalDir}/${launch.path}`,
        sha256: launch.sha256,
        size: launch.size,
      },
      usedDelta,
      ...(deltaError === undefined ? {} : { deltaError }),
      bytes,
    };
  }

  /** An asset the running release already has with the same SHA-256 (re-checked). */
  private async reuseAsset(s: PersistedState, asset: Asset): Promise<Uint8Array | null> {
    const running = runningRelease(s.lifecycle);
    if (running === null) return null;
    try {
      const path = `${running.dir}/${asset.path}`;
      const storage = this.ports.storage;
      if (storage.sha256File !== undefined && (await storage.sha256File.call(storage, path)) !== asset.sha256) return null;
      const data = await storage.readFile(path);
      if (data === null || data.length !== asset.size) return null;
      // Hashed here only when no native hash said so already.
      if (storage.sha256File !== undefined || sha256Hex(data) === asset.sha256) return data;
    } catch {
      // download it instead
    }
    return null;
  }
}

function snapshot(s: PersistedState): OtaState {
  const l = s.lifecycle;
  const running = runningRelease(l);
  const previous = l.kind === "running" || l.kind === "trial" ? l.previous : null;
  return {
    currentReleaseId: running?.releaseId ?? null,
    pendingReleaseId: l.kind === "staged" ? l.pending.releaseId : null,
    pendingEmbedded: l.kind === "stagedEmbedded",
    previousReleaseId: previous?.releaseId ?? null,
    trial: l.kind === "trial" ? { releaseId: l.current.releaseId, launches: l.launches, startedAt: l.startedAt } : null,
    failedReleases: [...s.failedReleases],
    lastIndexVersion: s.lastIndexVersion,
    newestSignedTime: s.newestSignedTime > 0 ? new Date(s.newestSignedTime).toISOString() : null,
    phase: l.kind,
    binaryVersion: s.binaryVersion,
    keySetVersion: s.keySet === undefined || s.keySet === null ? null : unverifiedKeySet(base64Decode(s.keySet)).version,
  };
}

// ---------------------------------------------------------------- default ports

let defaultPortsFactory: (() => Ports) | null = null;

/** Registers the ports used when `createOtaClient` is given none (the React Native entry does). */
export function setDefaultPorts(factory: () => Ports): void {
  defaultPortsFactory = factory;
}

function getDefaultPorts(): Ports | null {
  return defaultPortsFactory === null ? null : defaultPortsFactory();
}
