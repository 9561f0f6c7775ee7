/**
 * The runtime checks `npm run test:hermes` runs inside the Hermes VM, from a Metro release
 * bundle; hermes/run.mjs runs the same bundle in Node too and requires both reports to be equal.
 * Input comes from a global the runner prepends (the Hermes CLI has no file access); the report
 * is one JSON line: every outcome, plus the failures found against the vectors' expectations.
 */
import { base64Decode, equalBytes, fromHex, sha256Hex, utf8Encode } from "../src/bytes.js";
import { CONTENT_TYPE_CHANNEL_INDEX, CONTENT_TYPE_RELEASE, CoseVerifier, parsePublicKey, verifyEs256 } from "../src/cose.js";
import { verifyManifestLogEntry } from "../src/transparency.js";
import { createOtaClient, type OtaClientOptions } from "../src/client.js";
import { bucket, decide } from "../src/decision.js";
import { applyKvxd1 } from "../src/delta.js";
import { type LifecycleEvent, type LifecycleOptions, type LifecycleState, fromV1, step, type StateV1 } from "../src/lifecycle.js";
import { parseTimestamp, readChannelIndex, readReleaseManifest } from "../src/documents.js";
import { KeySetRejectedError, nextKeySet, requireFreshKeySet, signingKeysAt, unverifiedKeySet } from "../src/keyset.js";
import { Clock, FakeStore, TestSigner, canonicalJson, memoryPorts } from "../test/support.js";
import { type HermesGlobals, type SuiteInput, outcome, report } from "./shared.js";

const input = (globalThis as HermesGlobals).__kivyxInput as SuiteInput;
const results: Record<string, unknown> = {};
const failures: string[] = [];

function expect(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}

function documents(): void {
  const v = input.documents;
  const verifier = new CoseVerifier(
    Object.fromEntries(Object.entries(v.keys).map(([kid, hex]) => [kid, { rawPubHex: hex }])),
  );
  for (const c of v.cases) {
    const got = outcome(() => {
      const doc = verifier.verify(fromHex(c.coseHex), c.contentType);
      if (c.contentType === CONTENT_TYPE_RELEASE) readReleaseManifest(doc.payload);
      else if (c.contentType === CONTENT_TYPE_CHANNEL_INDEX) readChannelIndex(doc.payload);
    });
    results[`documents/${c.name}`] = got;
    expect(got === (c.valid ? "ok" : c.reason), `documents.json ${c.name}: expected ${c.valid ? "ok" : c.reason}, got ${got}`);
  }
}

function transparency(): void {
  const v = input.transparency;
  if (v === undefined) throw new Error("no transparency vectors in the input");
  const logs = [{ origin: v.log.origin, key: { rawPubHex: v.log.rawPubHex } }];
  const signer = parsePublicKey({ rawPubHex: v.releaseKey.rawPubHex });
  for (const c of v.cases) {
    const got = outcome(() => {
      verifyManifestLogEntry(utf8Encode(c.entry), fromHex(c.manifestCoseHex), signer, logs);
    });
    results[`transparency/${c.name}`] = got;
    expect(got === c.expect, `transparency.json ${c.name}: expected ${c.expect}, got ${got}`);
  }
}

function decisions(): void {
  const v = input.decisions;
  for (const b of v.buckets) {
    const got = bucket(b.rolloutId, b.deviceId);
    results[`bucket/${b.rolloutId}/${b.deviceId}`] = got;
    expect(got === b.bucket, `bucket(${b.rolloutId}, ${b.deviceId}) = ${got}, expected ${b.bucket}`);
  }
  for (const c of v.cases) {
    const d = decide(readChannelIndex(utf8Encode(JSON.stringify(c.index))), c.device);
    const got = JSON.stringify({ decision: d.decision, releaseId: d.releaseId, mandatory: d.mandatory });
    const want = JSON.stringify({ decision: c.expected.decision, releaseId: c.expected.releaseId, mandatory: c.expected.mandatory });
    results[`decisions/${c.name}`] = got;
    expect(got === want, `decisions.json ${c.name}: ${got}, expected ${want}`);
  }
}

function wycheproof(): void {
  for (const group of input.wycheproof.testGroups) {
    const key = fromHex(group.publicKey.uncompressed);
    for (const t of group.tests) {
      const got = outcome(() => verifyEs256(key, fromHex(t.msg), fromHex(t.sig), "notRequired"));
      results[`wycheproof/${t.tcId}`] = got;
      const valid = got === "ok";
      expect(valid === (t.result === "valid"), `wycheproof tcId ${t.tcId} (${t.result}): ${got}`);
    }
  }
}

function coseWg(): void {
  for (const [name, cborHex] of Object.entries(input.coseWg)) {
    const verifier = new CoseVerifier({ "11": fromHex(Object.values(input.documents.keys)[0]!) });
    results[`cose-wg/${name}`] = outcome(() => verifier.verify(fromHex(cborHex), CONTENT_TYPE_RELEASE));
  }
}

function lifecycle(): void {
  const v = input.lifecycle as {
    options: LifecycleOptions;
    cases: { name: string; state: LifecycleState; steps: { event: LifecycleEvent; state: unknown; effects: unknown }[] }[];
    fromV1: { name: string; v1: StateV1; v2: unknown }[];
  };
  for (const c of v.cases) {
    let state = c.state;
    c.steps.forEach((s, i) => {
      const r = step(state, s.event, v.options);
      // Key order is part of neither format, so compare canonical JSON.
      const got = canonicalJson(r);
      results[`lifecycle/${c.name}/${i}`] = got;
      expect(got === canonicalJson({ state: s.state, effects: s.effects }), `lifecycle.json ${c.name} step ${i}: ${got}`);
      state = r.state;
    });
  }
  for (const c of v.fromV1) {
    const got = canonicalJson(fromV1(c.v1));
    results[`lifecycle/fromV1/${c.name}`] = got;
    expect(got === canonicalJson(c.v2), `lifecycle.json fromV1 ${c.name}: ${got}`);
  }
}

const corpusBytes = new Map<string, Uint8Array>();
function corpusFile(name: string): Uint8Array {
  let bytes = corpusBytes.get(name);
  if (bytes === undefined) {
    bytes = base64Decode(input.corpus[name]!);
    // The reference digest comes from Node's crypto in the runner, not from this code.
    expect(sha256Hex(bytes) === input.corpusSha256[name], `corpus ${name}: SHA-256 differs from node:crypto's`);
    corpusBytes.set(name, bytes);
  }
  return bytes;
}

function corpusDeltas(): void {
  for (const p of input.pairs) {
    const oldBytes = corpusFile(p.from);
    const newBytes = corpusFile(p.to);
    const got = outcome(() => {
      const out = applyKvxd1(oldBytes, base64Decode(p.patch), { maxNewSize: newBytes.length });
      if (!equalBytes(out, newBytes)) throw new Error("decoded bytes differ from the new file");
    });
    results[`corpus/${p.from}->${p.to}`] = got;
    expect(got === "ok", `corpus ${p.from} -> ${p.to}: ${got}`);
  }
}

/** The whole update flow on in-memory ports: full install, delta update, crash loop and rollback. */
async function clientFlow(): Promise<void> {
  const pair = input.pairs.find((p) => p.from === "v1.hbc" && p.to === "v2.hbc");
  if (pair === undefined) throw new Error("the runner must pass the v1.hbc -> v2.hbc patch");
  const v1 = corpusFile("v1.hbc");
  const v2 = corpusFile("v2.hbc");
  const v3 = corpusFile("v3.hbc");
  const cdn = "https://cdn.test/";
  const clock = new Clock(Date.parse("2026-11-27T10:00:00Z"));
  const ports = memoryPorts(clock);
  const signer = new TestSigner("alias/hermes-v1", fromHex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"));
  const store = new FakeStore(signer);
  const options: OtaClientOptions = {
    appId: "com.kivyx.app",
    platform: "ios",
    channel: "production",
    runtimeVersion: "1.0.0",
    deviceId: "device-hermes",
    cdnBase: cdn,
    publicKeys: signer.keys(),
    health: { maxLaunches: 2, timeoutMs: 60_000 },
    ports,
  };
  const steps: unknown[] = [];
  const launch = async (label: string, healthy: boolean): Promise<void> => {
    const c = createOtaClient(options);
    steps.push([label, await c.ensureHealthyOrRollback()]);
    if (healthy) await c.markHealthy();
  };
  const check = async (label: string): Promise<void> => {
    const r = await createOtaClient(options).checkAndApply();
    steps.push([label, r]);
  };

  await launch("first launch", false);
  store.publish({ releaseId: "r1", versionCode: 1, bundle: v1 });
  store.serve(ports.http, cdn, store.index(clock.ms));
  await check("full install r1");
  await launch("launch r1", true);
  store.publish({ releaseId: "r2", versionCode: 2, bundle: v2, deltas: [{ from: v1, patch: base64Decode(pair.patch) }] });
  clock.ms += 60_000;
  store.serve(ports.http, cdn, store.index(clock.ms));
  await check("delta update r2");
  expect(equalBytes(ports.storage.files.get("releases/r2/index.bundle") ?? new Uint8Array(0), v2), "client flow: r2 bytes differ from v2.hbc");
  await launch("launch r2", true);
  store.publish({ releaseId: "r3", versionCode: 3, bundle: v3 });
  clock.ms += 60_000;
  store.serve(ports.http, cdn, store.index(clock.ms));
  await check("full install r3");
  await launch("launch r3, no markHealthy", false);
  await launch("relaunch r3, no markHealthy", false);
  await launch("third launch: rolled back", false);
  await check("r3 is not retried");
  steps.push(["state", await createOtaClient(options).loadState()]);
  steps.push(["active bundle", ports.bundle.active, "restarts", ports.bundle.restarts]);
  results["client/flow"] = steps;
  const statuses = steps.map((s) => (s as [string, { status?: string }])[1]?.status ?? null);
  const want = ["ok", "updated", "trial", "updated", "trial", "updated", "trial", "trial", "rolledBack", "upToDate"];
  expect(JSON.stringify(statuses.slice(0, want.length)) === JSON.stringify(want), `client flow statuses ${JSON.stringify(statuses)}`);
  expect(ports.bundle.active === "/data/ota/releases/r2/index.bundle", `client flow ends on ${ports.bundle.active}`);
}

/** Key set steps (keysets.json): trust, freshness and signing-key windows, as the Java verifier judged them. */
function keysets(): void {
  const v = input.keysets;
  if (v === undefined) throw new Error("no keysets.json input");
  const roots = Object.fromEntries(Object.entries(v.pinnedRoots).map(([kid, hex]) => [kid, fromHex(hex)]));
  for (const c of v.cases) {
    let got: string;
    try {
      const trusted = c.trustedCoseHex === null ? null : unverifiedKeySet(fromHex(c.trustedCoseHex));
      const now = parseTimestamp(c.now);
      const next = nextKeySet(v.appId, trusted, roots, fromHex(c.coseHex));
      requireFreshKeySet(next, now);
      got = `v${next.version} ${Object.keys(signingKeysAt(next, now)).join(",")}`;
    } catch (e) {
      got = e instanceof KeySetRejectedError ? e.reason : `${e instanceof Error ? e.name : "?"}: ${String(e)}`;
    }
    results[`keysets/${c.name}`] = got;
    const expected = c.valid ? `v${c.version} ${(c.signingKeys ?? []).join(",")}` : c.reason;
    expect(got === expected, `keysets.json ${c.name}: expected ${expected}, got ${got}`);
  }
}

async function main(): Promise<void> {
  const sections: [string, () => void | Promise<void>][] = [
    ["documents", documents],
    ["decisions", decisions],
    ["transparency", transparency],
    ["keysets", keysets],
    ["wycheproof", wycheproof],
    ["cose-wg", coseWg],
    ["lifecycle", lifecycle],
    ["corpus", corpusDeltas],
    ["client", clientFlow],
  ];
  for (const [name, run] of sections) {
    try {
      await run();
    } catch (e) {
      failures.push(`${name}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
  }
  report({ results, failures });
}

void main();
