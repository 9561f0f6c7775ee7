/**
 * Default React Native ports over the `KivyxOta` native module (android/ and ios/ in this
 * package) and the global fetch. Files cross the bridge as base64.
 */
import { NativeModules } from "react-native";
import { base64Decode, base64Encode } from "./bytes.js";
import type { BundlePort, HttpPort, HttpResponse, Ports, StoragePort } from "./ports.js";
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
}

function nativeModule(): KivyxOtaNativeModule {
  const m = NativeModules["KivyxOta"] as KivyxOtaNativeModule | undefined;
  if (m === undefined) {
    throw new Error("the KivyxOta native module is not linked: see the integration guide in the package README");
  }
  return m;
}

interface FetchResponseLike {
  status: number;
  headers: { forEach(cb: (value: string, key: string) => void): void; get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}
type FetchLike = (url: string, init: { method?: string; headers?: Record<string, string>; body?: Uint8Array }) => Promise<FetchResponseLike>;

export function reactNativeHttp(): HttpPort {
  const f = (globalThis as unknown as { fetch: FetchLike }).fetch;
  return {
    async get(url, options): Promise<HttpResponse> {
      const resp = await f(url, { headers: { ...(options.headers ?? {}) } });
      const declared = Number(resp.headers.get("content-length") ?? "NaN");
      if (Number.isFinite(declared) && declared > options.maxBytes) throw new HttpTooLargeError(url, options.maxBytes);
      const body = new Uint8Array(await resp.arrayBuffer());
      if (body.length > options.maxBytes) throw new HttpTooLargeError(url, options.maxBytes);
      const headers: Record<string, string> = {};
      resp.headers.forEach((v, k) => {
        headers[k.toLowerCase()] = v;
      });
      return { status: resp.status, headers, body };
    },
    async post(url, body, headers) {
      const resp = await f(url, { method: "POST", headers: { ...headers }, body });
      return { status: resp.status };
    },
  };
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
  const bundle: BundlePort = {
    activeBundlePath: () => m.activeBundlePath(),
    setPendingBundle: (p) => m.setPendingBundle(p),
    restart: () => m.restart(),
  };
  return { http: reactNativeHttp(), storage, bundle };
}
