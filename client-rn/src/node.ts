/**
 * Node ports for tests and tools: HTTP with fetch (bodies streamed and capped), files under
 * `dir`, and a bundle port whose activeBundlePath() shows what the next launch would load.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve as resolvePath, sep } from "node:path";
import type { BundlePort, HttpPort, HttpResponse, Ports, StoragePort } from "./ports.js";
import { HttpTooLargeError } from "./ports.js";

export interface NodePortsOptions {
  readonly dir: string;
  /** Called when the client asks for a restart (tests count them). */
  readonly onRestart?: () => void;
  /** Path of the embedded bundle, for deltas from it. */
  readonly embeddedBundlePath?: string;
  readonly now?: () => number;
}

export function nodeHttp(): HttpPort {
  return {
    async get(url, options): Promise<HttpResponse> {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 60_000);
      try {
        const resp = await fetch(url, { headers: { ...(options.headers ?? {}) }, signal: controller.signal });
        const headers: Record<string, string> = {};
        resp.headers.forEach((v, k) => {
          headers[k.toLowerCase()] = v;
        });
        const declared = Number(resp.headers.get("content-length") ?? "NaN");
        if (Number.isFinite(declared) && declared > options.maxBytes) {
          controller.abort();
          throw new HttpTooLargeError(url, options.maxBytes);
        }
        const chunks: Uint8Array[] = [];
        let total = 0;
        if (resp.body !== null) {
          const reader = resp.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            total += value.length;
            if (total > options.maxBytes) {
              await reader.cancel().catch(() => undefined);
              controller.abort();
              throw new HttpTooLargeError(url, options.maxBytes);
            }
            chunks.push(value);
          }
        }
        const body = new Uint8Array(total);
        let o = 0;
        for (const c of chunks) {
          body.set(c, o);
          o += c.length;
        }
        return { status: resp.status, headers, body };
      } finally {
        clearTimeout(timer);
      }
    },
    async downloadToFile(url, absPath, options) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 120_000);
      const tmp = `${absPath}.tmp-${process.pid}`;
      try {
        const resp = await fetch(url, { signal: controller.signal });
        if (resp.status !== 200) {
          await resp.arrayBuffer().catch(() => undefined);
          return { status: resp.status };
        }
        const declared = Number(resp.headers.get("content-length") ?? "NaN");
        if (Number.isFinite(declared) && declared > options.maxBytes) {
          controller.abort();
          throw new HttpTooLargeError(url, options.maxBytes);
        }
        await mkdir(dirname(absPath), { recursive: true });
        const hash = createHash("sha256");
        const file = await open(tmp, "w");
        let size = 0;
        try {
          if (resp.body !== null) {
            const reader = resp.body.getReader();
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              size += value.length;
              if (size > options.maxBytes) {
                await reader.cancel().catch(() => undefined);
                controller.abort();
                throw new HttpTooLargeError(url, options.maxBytes);
              }
              hash.update(value);
              await file.write(value);
            }
          }
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(tmp, absPath);
        return { status: 200, size, sha256: hash.digest("hex") };
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      } finally {
        clearTimeout(timer);
      }
    },
    async post(url, body, headers, timeoutMs) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs ?? 10_000);
      try {
        const resp = await fetch(url, { method: "POST", headers: { ...headers }, body, signal: controller.signal });
        await resp.arrayBuffer().catch(() => undefined);
        return { status: resp.status };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export function nodeStorage(dir: string): StoragePort {
  const root = resolvePath(dir);
  const filesRoot = join(root, "files");
  const kvRoot = join(root, "kv");
  const inside = (p: string): string => {
    const full = resolvePath(filesRoot, p);
    if (full !== filesRoot && !full.startsWith(filesRoot + sep)) throw new Error(`path escapes the storage root: ${p}`);
    return full;
  };
  const kvFile = (key: string): string => join(kvRoot, `${encodeURIComponent(key)}.json`);
  let seq = 0;
  const atomicWrite = async (file: string, data: Uint8Array | string): Promise<void> => {
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}-${seq++}`;
    await writeFile(tmp, data);
    await rename(tmp, file);
  };
  return {
    async getItem(key) {
      try {
        return await readFile(kvFile(key), "utf8");
      } catch {
        return null;
      }
    },
    setItem: (key, value) => atomicWrite(kvFile(key), value),
    async removeItem(key) {
      await rm(kvFile(key), { force: true });
    },
    async readFile(path) {
      try {
        return new Uint8Array(await readFile(inside(path)));
      } catch {
        return null;
      }
    },
    writeFile: (path, data) => atomicWrite(inside(path), data),
    async rename(from, to) {
      await mkdir(dirname(inside(to)), { recursive: true });
      await rename(inside(from), inside(to));
    },
    async remove(path) {
      await rm(inside(path), { recursive: true, force: true });
    },
    async exists(path) {
      try {
        await stat(inside(path));
        return true;
      } catch {
        return false;
      }
    },
    async list(path) {
      try {
        return await readdir(inside(path));
      } catch {
        return [];
      }
    },
    resolve: (path) => inside(path),
    async sha256File(path) {
      const hash = createHash("sha256");
      try {
        for await (const chunk of createReadStream(inside(path))) hash.update(chunk as Uint8Array);
      } catch {
        return null;
      }
      return hash.digest("hex");
    },
  };
}

export function nodeBundle(dir: string, options: { onRestart?: () => void; embeddedBundlePath?: string } = {}): BundlePort {
  const file = join(resolvePath(dir), "active-bundle.json");
  const port: BundlePort = {
    async activeBundlePath() {
      try {
        const parsed = JSON.parse(await readFile(file, "utf8")) as { path: string | null };
        return parsed.path;
      } catch {
        return null;
      }
    },
    async setPendingBundle(path) {
      await mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.tmp`;
      await writeFile(tmp, JSON.stringify({ path }));
      await rename(tmp, file);
    },
    async restart() {
      options.onRestart?.();
    },
  };
  const embedded = options.embeddedBundlePath;
  if (embedded !== undefined) {
    port.readEmbeddedBundle = async () => new Uint8Array(await readFile(embedded));
  }
  return port;
}

export function nodePorts(options: NodePortsOptions): Ports {
  const bundleOptions: { onRestart?: () => void; embeddedBundlePath?: string } = {};
  if (options.onRestart !== undefined) bundleOptions.onRestart = options.onRestart;
  if (options.embeddedBundlePath !== undefined) bundleOptions.embeddedBundlePath = options.embeddedBundlePath;
  const ports: Ports = {
    http: nodeHttp(),
    storage: nodeStorage(options.dir),
    bundle: nodeBundle(options.dir, bundleOptions),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  return ports;
}
