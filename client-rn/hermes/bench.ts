/**
 * The benchmark `npm run bench:hermes` runs in the Hermes VM and, from the same bundle, in Node:
 * the update steps on the 1.75 MB corpus bundles with in-memory ports (so every per-byte step
 * runs in JS, as the pure-JS fallbacks do on a device whose ports are not native). Prints one
 * JSON line: the median milliseconds of each step.
 */
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { base64Decode, base64Encode, equalBytes, fromHex, sha256, sha256Hex } from "../src/bytes.js";
import { createOtaClient, type OtaClientOptions } from "../src/client.js";
import { CONTENT_TYPE_CHANNEL_INDEX, CoseVerifier } from "../src/cose.js";
import { readChannelIndex } from "../src/documents.js";
import { Clock, FakeStore, TestSigner, memoryPorts } from "../test/support.js";
import { type HermesGlobals, type SuiteInput, report } from "./shared.js";

const input = (globalThis as HermesGlobals).__kivyxInput as SuiteInput;
const clockNow: () => number = (() => {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf === undefined ? () => Date.now() : () => perf.now();
})();

async function median(runs: number, step: () => Promise<void> | void, before?: () => void): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    const t0 = clockNow();
    await step();
    times.push(clockNow() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`benchmark precondition failed: ${what}`);
}

async function main(): Promise<void> {
  const runs = input.runs ?? 3;
  const pair = input.pairs[0]!;
  const oldBundle = base64Decode(input.corpus[pair.from]!);
  const newBundle = base64Decode(input.corpus[pair.to]!);
  const patch = base64Decode(pair.patch);
  const cdn = "https://cdn.test/";
  const clock = new Clock(Date.parse("2026-11-27T10:00:00Z"));
  const signer = new TestSigner("alias/bench-v1", fromHex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"));
  const options = (ports: ReturnType<typeof memoryPorts>): OtaClientOptions => ({
    appId: "com.kivyx.app",
    platform: "ios",
    channel: "production",
    runtimeVersion: "1.0.0",
    deviceId: "device-bench",
    cdnBase: cdn,
    publicKeys: signer.keys(),
    ports,
  });

  // A device running `from` (installed and healthy); then `to` is published with the delta.
  const store = new FakeStore(signer);
  store.publish({ releaseId: "r1", versionCode: 1, bundle: oldBundle });
  const ports = memoryPorts(clock);
  store.serve(ports.http, cdn, store.index(clock.ms));
  await createOtaClient(options(ports)).checkAndApply();
  await createOtaClient(options(ports)).ensureHealthyOrRollback();
  await createOtaClient(options(ports)).markHealthy();
  store.publish({ releaseId: "r2", versionCode: 2, bundle: newBundle, deltas: [{ from: oldBundle, patch }] });
  store.serve(ports.http, cdn, store.index(clock.ms));
  const kv = new Map(ports.storage.kv);
  const files = new Map(ports.storage.files);
  const restore = (): void => {
    ports.storage.kv.clear();
    ports.storage.files.clear();
    for (const [k, v] of kv) ports.storage.kv.set(k, v);
    for (const [k, v] of files) ports.storage.files.set(k, v);
  };
  const delta = await median(
    runs,
    async () => {
      const r = await createOtaClient(options(ports)).checkAndApply();
      check(r.status === "updated" && r.usedDelta === true, `delta update: ${JSON.stringify(r)}`);
    },
    restore,
  );
  check(equalBytes(ports.storage.files.get("releases/r2/index.bundle")!, newBundle), "delta result");

  // A fresh device (embedded bundle, no delta from it) installing `to` in full.
  let fresh = memoryPorts(clock);
  const full = await median(
    runs,
    async () => {
      const r = await createOtaClient(options(fresh)).checkAndApply();
      check(r.status === "updated" && r.usedDelta === false, `full install: ${JSON.stringify(r)}`);
    },
    () => {
      fresh = memoryPorts(clock);
      store.serve(fresh.http, cdn, store.index(clock.ms));
    },
  );

  // The same with a port that downloads natively (as KivyxOta's download does): bytes, cap and
  // SHA-256 stay off the JS thread, so this times only the JS thread; the fake answers with the
  // digest the native side would compute, taken from the signed manifest before timing.
  const launchSha = sha256Hex(newBundle);
  let native = memoryPorts(clock);
  const fullNative = await median(
    runs,
    async () => {
      const r = await createOtaClient(options(native)).checkAndApply();
      check(r.status === "updated" && r.usedDelta === false, `full install (native port): ${JSON.stringify(r)}`);
    },
    () => {
      native = memoryPorts(clock);
      store.serve(native.http, cdn, store.index(clock.ms));
      const target = native;
      Object.assign(target.http, {
        async downloadToFile(url: string, absPath: string) {
          const route = target.http.routes.get(url);
          const body = route !== undefined && typeof route !== "function" ? route.body : new Uint8Array(0);
          target.storage.files.set(absPath.replace("/data/ota/", ""), body);
          return { status: 200, size: body.length, sha256: body === newBundle ? launchSha : "" };
        },
      });
    },
  );
  check(equalBytes(native.storage.files.get("releases/r2/index.bundle")!, newBundle), "native-port install result");

  let digest: Uint8Array = new Uint8Array(0);
  const sha = await median(runs, () => {
    digest = sha256(newBundle);
  });
  let nobleDigest: Uint8Array = new Uint8Array(0);
  const noble = await median(runs, () => {
    nobleDigest = nobleSha256(newBundle);
  });
  check(equalBytes(digest, nobleDigest), "SHA-256 implementations agree");

  const text = base64Encode(newBundle);
  const b64 = await median(runs, () => {
    check(base64Decode(text).length === newBundle.length, "base64 length");
  });

  const indexBytes = store.index(clock.ms);
  const verifier = new CoseVerifier(signer.keys());
  const cose = await median(Math.max(runs, 5), () => {
    readChannelIndex(verifier.verify(indexBytes, CONTENT_TYPE_CHANNEL_INDEX).payload);
  });

  report({
    pair: `${pair.from} -> ${pair.to}`,
    bytes: newBundle.length,
    patchBytes: patch.length,
    steps: {
      "checkAndApply with a delta": delta,
      "checkAndApply, full install": full,
      "checkAndApply, full install, native download port (JS thread only)": fullNative,
      "SHA-256 of the bundle (this package)": sha,
      "SHA-256 of the bundle (@noble/hashes, reference)": noble,
      "base64 decode of the bundle": b64,
      "one COSE_Sign1 ES256 verify + index read": cose,
    },
  });
}

void main().catch((e: unknown) => {
  report({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
});
