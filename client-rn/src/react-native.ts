/**
 * Default React Native ports over the `KivyxOta` native module (android/ and ios/ in this
 * package) and XMLHttpRequest. Bundles do not cross the bridge on a full install: the native
 * module downloads, caps and hashes them into files. What JS must read (the old bundle for a
 * delta, small documents) crosses as base64.
 */
import { NativeModules } from "react-native";
import { base64Decode, base64Encode } from "./bytes.js";
import type { BundlePort, DownloadResult, HttpPort, HttpResponse, NativeLaunchReport, Ports, StoragePort } from "./ports.js";
import { HttpTooLargeError } from "./ports.js";

/** The native module's contract (see README "Native glue"). */
export interface KivyxOtaNativeModule {
  getConstants?(): { rootDir: string };
  rootDir?: string;
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
  readFile(absPath: string): Promise<string | null>;
  writeFile(absPath: string, base64: string): Promise<void>;
  rename(fromAbs: string, toAbs: string): Promise<void>;
  remove(absPath: string): Promise<void>;
  exists(absPath: string): Promise<boolean>;
  list(absPath: string): Promise<string[]>;
  activeBundlePath(): Promise<string | null>;
  setPendingBundle(absPath: string | null): Promise<void>;
  restart(): Promise<void>;
  // Added in 0.2 (a module from an older binary lacks them; the client then works without them).
  launchReport?(): Promise<NativeLaunchReport>;
  clearLaunchReport?(): Promise<void>;
  readEmbeddedBundle?(): Promise<string | null>;
  sha256File?(absPath: string): Promise<string | null>;
  download?(url: string, absPath: string, maxBytes: number): Promise<DownloadResult>;
}

function nativeModule(): KivyxOtaNativeModule {
  const m = NativeModules["KivyxOta"] as KivyxOtaNativeModule | undefined;
  if (m === undefined) {
    throw new Error("the KivyxOta native module is not linked: see the integration guide in the package README");
  }
  return m;
}

/** The part of React Native's XMLHttpRequest used here. */
interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  getAllResponseHeaders(): string | null;
  send(body?: unknown): void;
  abort(): void;
  responseType: string;
  timeout: number;
  readonly status: number;
  readonly response: unknown;
  onprogress: ((e: { loaded: number }) => void) | null;
  onload: (() => void) | null;
  onerror: (() => void) | null;
  ontimeout: (() => void) | null;
  onabort: (() => void) | null;
}

function parseHeaders(raw: string | null): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of (raw ?? "").split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

/**
 * GET and POST with XMLHttpRequest: unlike React Native's fetch it reports progress, so a body
 * is cut off as soon as it passes `maxBytes` instead of being read whole and then checked.
 */
export function reactNativeHttp(native?: KivyxOtaNativeModule): HttpPort {
  const Xhr = (globalThis as unknown as { XMLHttpRequest: new () => XhrLike }).XMLHttpRequest;
  const request = (method: string, url: string, headers: Readonly<Record<string, string>>, body: Uint8Array | null,
    maxBytes: number, timeoutMs: number): Promise<HttpResponse> =>
    new Promise((resolve, reject) => {
      const xhr = new Xhr();
      let tooLarge = false;
      xhr.open(method, url);
      for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
      xhr.responseType = "arraybuffer";
      xhr.timeout = timeoutMs;
      xhr.onprogress = (e) => {
        if (e.loaded > maxBytes && !tooLarge) {
          tooLarge = true;
          xhr.abort();
        }
      };
      xhr.onload = () => {
        const data = xhr.response instanceof ArrayBuffer ? new Uint8Array(xhr.response) : new Uint8Array(0);
        if (tooLarge || data.length > maxBytes) reject(new HttpTooLargeError(url, maxBytes));
        else resolve({ status: xhr.status, headers: parseHeaders(xhr.getAllResponseHeaders()), body: data });
      };
      xhr.onabort = () => reject(tooLarge ? new HttpTooLargeError(url, maxBytes) : new Error(`GET ${url} was aborted`));
      xhr.onerror = () => reject(new Error(`${method} ${url} failed`));
      xhr.ontimeout = () => reject(new Error(`${method} ${url} timed out after ${timeoutMs} ms`));
      xhr.send(body === null ? undefined : body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    });
  const port: HttpPort = {
    get: (url, options) => request("GET", url, options.headers ?? {}, null, options.maxBytes, options.timeoutMs ?? 60_000),
    async post(url, body, headers, timeoutMs) {
      const r = await request("POST", url, headers, body, 1 << 20, timeoutMs ?? 10_000);
      return { status: r.status };
    },
  };
  const download = native?.download;
  if (download !== undefined) {
    port.downloadToFile = async (url, absPath, options) => {
      try {
        return await download.call(native, url, absPath, options.maxBytes);
      } catch (e) {
        // The native side rejects with a message starting "TOO_LARGE:" when the cap cut the stream.
        if (e instanceof Error && e.message.startsWith("TOO_LARGE")) throw new HttpTooLargeError(url, options.maxBytes);
        throw e;
      }
    };
  }
  return port;
}

export function reactNativePorts(): Ports {
  const m = nativeModule();
  const rootDir = m.getConstants?.().rootDir ?? m.rootDir;
  if (rootDir === undefined) throw new Error("KivyxOta native module has no rootDir constant");
  const abs = (p: string): string => {
    if (p.split("/").some((seg) => seg === "..")) throw new Error(`path escapes the storage root: ${p}`);
    return `${rootDir.replace(/\/$/, "")}/files/${p}`;
  };
  const storage: StoragePort = {
    getItem: (k) => m.getItem(k),
    setItem: (k, v) => m.setItem(k, v),
    removeItem: (k) => m.removeItem(k),
    async readFile(p) {
      const b64 = await m.readFile(abs(p));
      return b64 === null ? null : base64Decode(b64);
    },
    writeFile: (p, data) => m.writeFile(abs(p), base64Encode(data)),
    rename: (a, b) => m.rename(abs(a), abs(b)),
    remove: (p) => m.remove(abs(p)),
    exists: (p) => m.exists(abs(p)),
    list: (p) => m.list(abs(p)),
    resolve: abs,
  };
  const sha256File = m.sha256File;
  if (sha256File !== undefined) storage.sha256File = (p) => sha256File.call(m, abs(p));
  const bundle: BundlePort = {
    activeBundlePath: () => m.activeBundlePath(),
    setPendingBundle: (p) => m.setPendingBundle(p),
    restart: () => m.restart(),
  };
  const { launchReport, clearLaunchReport, readEmbeddedBundle } = m;
  if (launchReport !== undefined) bundle.launchReport = () => launchReport.call(m);
  if (clearLaunchReport !== undefined) bundle.clearLaunchReport = () => clearLaunchReport.call(m);
  if (readEmbeddedBundle !== undefined) {
    bundle.readEmbeddedBundle = async () => {
      const b64 = await readEmbeddedBundle.call(m);
      return b64 === null ? null : base64Decode(b64);
    };
  }
  return { http: reactNativeHttp(m), storage, bundle };
}
