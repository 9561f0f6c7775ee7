/**
 * transparency "off" | "audit" | "enforce" through the whole client: a release whose manifest
 * and log entry are real rekor-tiles answers (testdata/vectors/transparency.json), served from a
 * fake CDN under an index signed here.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { fromHex, utf8Encode } from "../../src/bytes.js";
import { decodeCbor } from "../../src/cbor.js";
import { createOtaClient } from "../../src/client.js";
import { readReleaseManifest } from "../../src/documents.js";
import { CDN, Clock, FakeStore, T0, TestSigner, deviceOptions, memoryPorts } from "../support.js";
import { VECTORS_DIR } from "../paths.js";
import type { TransparencyMode } from "../../src/transparency.js";

interface Case {
  name: string;
  manifestCoseHex: string;
  bundleUtf8: string;
  entry: string;
  expect: string;
}
const vectors = JSON.parse(readFileSync(resolve(VECTORS_DIR, "transparency.json"), "utf8")) as {
  log: { origin: string; rawPubHex: string };
  releaseKey: { kid: string; rawPubHex: string };
  cases: Case[];
};

function byName(name: string): Case {
  const c = vectors.cases.find((x) => x.name === name || x.name.startsWith(name));
  if (c === undefined) throw new Error(`no vector ${name}`);
  return c;
}

/** Offers the vector's manifest on a channel, with its log entry named by the index (or not). */
function setup(mode: TransparencyMode, c: Case, withEntry = true, indexedLogIndex?: number) {
  const clock = new Clock(T0);
  const ports = memoryPorts(clock);
  const indexKey = new TestSigner("index-key", new Uint8Array(32).fill(3));
  const store = new FakeStore(indexKey);
  const cose = fromHex(c.manifestCoseHex);
  store.blob(utf8Encode(c.bundleUtf8));
  const manifest = store.blob(cose);
  const entry = store.blob(utf8Encode(c.entry));
  const item = decodeCbor(cose);
  if (item.kind !== "tagged" || item.content.kind !== "array" || item.content.items[2]?.kind !== "bytes") throw new Error("not COSE");
  const releaseId = readReleaseManifest(item.content.items[2].value).releaseId;
  const versionCode = Number(releaseId.slice(1));
  store.releases.push({
    releaseId,
    versionCode,
    runtimeVersion: "1.0.0",
    manifest,
    rollout: { id: `ro-${releaseId}`, weight: 10000, mandatory: false },
    ...(withEntry ? { transparency: { ...entry, origin: vectors.log.origin, logIndex: indexedLogIndex ?? Number((JSON.parse(c.entry) as { logIndex: string }).logIndex) } } : {}),
  });
  store.serve(ports.http, CDN, store.index(clock.ms));
  const client = createOtaClient(
    deviceOptions(ports, {
      publicKeys: { ...indexKey.keys(), [vectors.releaseKey.kid]: { rawPubHex: vectors.releaseKey.rawPubHex } },
      transparency: mode,
      transparencyLogs: [{ origin: vectors.log.origin, key: { rawPubHex: vectors.log.rawPubHex } }],
    }),
  );
  return { client, ports, releaseId };
}

test("enforce: a release whose entry proves inclusion installs", async () => {
  const { client, releaseId } = setup("enforce", byName("valid entry 3"));
  const r = await client.checkAndApply();
  assert.equal(r.status, "updated", r.error);
  assert.equal(r.releaseId, releaseId);
  assert.equal(r.transparencyError, undefined);
});

for (const attack of [
  "top-level logIndex changed",
  "proof treeSize changed",
  "checkpoint signed by another key",
  "entry for another manifest",
  "proof hash flipped",
]) {
  test(`enforce refuses, audit reports and installs: ${attack}`, async () => {
    const enforced = await setup("enforce", byName(attack)).client.checkAndApply();
    assert.equal(enforced.status, "failed");
    assert.match(enforced.error ?? "", /log entry of r\d was refused/);
    const audited = await setup("audit", byName(attack)).client.checkAndApply();
    assert.equal(audited.status, "updated", audited.error);
    assert.match(audited.transparencyError ?? "", /refused/);
  });
}

test("enforce: a manifest that is not in the log (no entry in the index) is refused", async () => {
  const r = await setup("enforce", byName("valid entry 3"), false).client.checkAndApply();
  assert.equal(r.status, "failed");
  assert.match(r.error ?? "", /has no transparency log entry/);
});

test("enforce: a log entry blob that does not match the signed size and SHA-256 is refused", async () => {
  const { client, ports } = setup("enforce", byName("valid entry 3"));
  for (const [url, route] of ports.http.routes) {
    if (typeof route !== "function" && new TextDecoder().decode(route.body).startsWith("{\"logIndex\"")) {
      ports.http.routes.set(url, { body: utf8Encode(new TextDecoder().decode(route.body).replace("\"logIndex\":\"3\"", "\"logIndex\":\"4\"")) });
    }
  }
  const r = await client.checkAndApply();
  assert.equal(r.status, "failed");
  assert.match(r.error ?? "", /does not match the SHA-256 and size/);
});

test("enforce: an index that names another log index than the entry's is refused", async () => {
  const r = await setup("enforce", byName("valid entry 3"), true, 2).client.checkAndApply();
  assert.equal(r.status, "failed");
  assert.match(r.error ?? "", /places the log entry of r4 at localhost #2, the entry says localhost #3/);
});

test("off: the log entry is not even fetched", async () => {
  const { client, ports } = setup("off", byName("proof hash flipped"));
  const r = await client.checkAndApply();
  assert.equal(r.status, "updated", r.error);
  assert.deepEqual(
    ports.http.requests.map((q) => q.url.split("/").slice(-2).join("/")).map((u) => (u.endsWith("index.cose") ? "index" : "blob")),
    ["index", "blob", "blob"],
    "index, manifest, bundle: no log entry",
  );
});

test("a mode other than off needs pinned logs", () => {
  assert.throws(() =>
    createOtaClient({
      appId: "a", platform: "ios", channel: "c", runtimeVersion: "1", deviceId: "d", cdnBase: CDN,
      publicKeys: { k: { rawPubHex: vectors.releaseKey.rawPubHex } }, ports: memoryPorts(new Clock(T0)), transparency: "enforce",
    }), /needs transparencyLogs/);
});
