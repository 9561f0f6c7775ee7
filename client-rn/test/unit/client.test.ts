import assert from "node:assert/strict";
import { test } from "node:test";
import { base64Encode, equalBytes, fromHex, sha256Hex, utf8Encode } from "../../src/bytes.js";
import { decodeCbor } from "../../src/cbor.js";
import { OtaClientOptions, createOtaClient } from "../../src/client.js";
import { decide } from "../../src/decision.js";
import { readChannelIndex } from "../../src/documents.js";
import { CDN, Clock, FakeStore, T0, TestSigner, deviceOptions, memoryPorts } from "../support.js";

const SERVER = "https://ota.test/";

// The FORMAT.md worked example: a real kvxd1 patch between two tiny "bundles".
const OLD = utf8Encode("0123456789abcdefghij0123456789abcdefghij");
const NEW = utf8Encode("0123456789abcdefghiJ0123456789abcdXefghij!");
const PATCH = fromHex(
  "8f2c804b56584401282a3476ec49905f41bacc63fd0db9eccf73617dbdbdf4916bab3c18385bc343" +
    "e6cc19be978c5e4ce34324c3d64b16b69ebcdb66809f0d3b265b6a47db478e38d926040201080122" +
    "081b1301e05865666768696a2103",
);

function setup(extra: Partial<OtaClientOptions> = {}) {
  const clock = new Clock(T0);
  const ports = memoryPorts(clock);
  const signer = new TestSigner("alias/test-v1");
  const store = new FakeStore(signer);
  const options = deviceOptions(ports, { publicKeys: signer.keys(), health: { maxLaunches: 2, timeoutMs: 60_000 }, ...extra });
  const client = () => createOtaClient(options);
  return { clock, ports, signer, store, options, client };
}

test("static: first update, trial launch, healthy", async () => {
  const { clock, ports, store, client } = setup();
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  const c = client();
  assert.deepEqual(await c.ensureHealthyOrRollback(), { status: "ok" });
  const r = await c.checkAndApply();
  assert.equal(r.status, "updated", r.error);
  assert.equal(r.releaseId, "r1");
  assert.equal(r.usedDelta, false);
  assert.equal(r.mandatory, false);
  assert.equal(ports.bundle.active, "/data/ota/releases/r1/index.bundle");
  assert.ok(equalBytes(ports.storage.files.get("releases/r1/index.bundle")!, OLD));
  assert.equal(c.state().pendingReleaseId, "r1");
  // next launch
  const c2 = client();
  assert.deepEqual(await c2.ensureHealthyOrRollback(), { status: "trial", releaseId: "r1" });
  await c2.markHealthy();
  const s = await c2.loadState();
  assert.equal(s.currentReleaseId, "r1");
  assert.equal(s.trial, null);
  assert.equal((await c2.checkAndApply()).status, "upToDate");
});

test("static: delta update from the running release, and ETag on every poll", async () => {
  const { clock, ports, store, client } = setup();
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  const c = client();
  await c.checkAndApply();
  await client().ensureHealthyOrRollback();
  await client().markHealthy();
  // unchanged index: If-None-Match sent, 304 reused
  assert.equal((await client().checkAndApply()).status, "upToDate");
  const last = ports.http.requests.filter((r) => r.url.endsWith("index.cose")).pop()!;
  assert.ok(last.headers["if-none-match"]);
  store.publish({ releaseId: "r2", versionCode: 2, bundle: NEW, deltas: [{ from: OLD, patch: PATCH }] });
  store.serve(ports.http, CDN, store.index(clock.ms));
  const r = await client().checkAndApply();
  assert.equal(r.status, "updated", r.error);
  assert.equal(r.usedDelta, true);
  assert.ok(r.bytes! >= PATCH.length && r.bytes! < PATCH.length + 2000, `bytes ${r.bytes}`);
  assert.ok(equalBytes(ports.storage.files.get("releases/r2/index.bundle")!, NEW));
});

test("a corrupt delta falls back to the full bundle", async () => {
  const { clock, ports, store, client } = setup();
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  await client().checkAndApply();
  await client().ensureHealthyOrRollback();
  await client().markHealthy();
  const bad = new Uint8Array(PATCH);
  bad[60] = bad[60]! ^ 0xff;
  store.publish({ releaseId: "r2", versionCode: 2, bundle: NEW, deltas: [{ from: OLD, patch: bad }] });
  store.serve(ports.http, CDN, store.index(clock.ms));
  const r = await client().checkAndApply();
  assert.equal(r.status, "updated", r.error);
  assert.equal(r.usedDelta, false);
  assert.ok(r.deltaError);
  assert.ok(equalBytes(ports.storage.files.get("releases/r2/index.bundle")!, NEW));
});

test("a signed delta that makes another file than the launch asset is not used", async () => {
  const { clock, ports, store, client } = setup();
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  await client().checkAndApply();
  await client().ensureHealthyOrRollback();
  await client().markHealthy();
  // The patch is intact and made for OLD, but it makes NEW while the release ships OTHER.
  const other = utf8Encode("0123456789abcdefghiJ0123456789abcdXefghij?");
  store.publish({ releaseId: "r2", versionCode: 2, bundle: other, deltas: [{ from: OLD, patch: PATCH }] });
  store.serve(ports.http, CDN, store.index(clock.ms));
  const r = await client().checkAndApply();
  assert.equal(r.status, "updated", r.error);
  assert.equal(r.usedDelta, false);
  assert.match(r.deltaError ?? "", /not the expected/);
  assert.ok(equalBytes(ports.storage.files.get("releases/r2/index.bundle")!, other));
});

test("a tampered blob is refused and nothing becomes active", async () => {
  const { clock, ports, store, client } = setup();
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  const url = `${CDN}apps/com.kivyx.app/blobs/sha256/${sha256Hex(OLD)}`;
  const tampered = new Uint8Array(OLD);
  tampered[3] = 0x21;
  ports.http.routes.set(url, { body: tampered });
  const r = await client().checkAndApply();
  assert.equal(r.status, "failed");
  assert.match(r.error!, /SHA-256/);
  assert.equal(ports.bundle.active, null);
  assert.equal(client().state().pendingReleaseId, null);
  assert.equal([...ports.storage.files.keys()].filter((k) => k.startsWith("releases/")).length, 0);
});

test("an oversized blob is cut at its signed size", async () => {
  const { clock, ports, store, client } = setup();
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  const url = `${CDN}apps/com.kivyx.app/blobs/sha256/${sha256Hex(OLD)}`;
  ports.http.routes.set(url, { body: new Uint8Array(OLD.length + 1000) });
  const r = await client().checkAndApply();
  assert.equal(r.status, "failed");
  assert.match(r.error!, /larger than its signed size/);
});

test("a tampered manifest is refused", async () => {
  const { clock, ports, store, client } = setup();
  const cose = store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  const bad = new Uint8Array(cose);
  bad[bad.length - 80] = bad[bad.length - 80]! ^ 1;
  ports.http.routes.set(`${CDN}apps/com.kivyx.app/blobs/sha256/${sha256Hex(cose)}`, { body: bad });
  const r = await client().checkAndApply();
  assert.equal(r.status, "failed");
  assert.match(r.error!, /manifest/);
});

test("wrong key, replayed older index, expired index", async () => {
  const { clock, ports, store, client } = setup();
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  const old = store.index(clock.ms);
  const newer = store.index(clock.ms);
  store.serve(ports.http, CDN, newer);
  assert.equal((await client().checkAndApply()).status, "updated");
  // replay
  store.serve(ports.http, CDN, old);
  const replay = await client().checkAndApply();
  assert.equal(replay.status, "failed");
  assert.match(replay.error!, /older than version 2/);
  // wrong key
  store.serve(ports.http, CDN, store.index(clock.ms, undefined, new TestSigner("alias/test-v1")));
  const wrong = await client().checkAndApply();
  assert.match(wrong.error!, /BAD_SIGNATURE/);
  // expired (ttl 1 minute, device 2 minutes later)
  store.serve(ports.http, CDN, store.index(clock.ms, 60_000));
  clock.ms += 120_000;
  const expired = await client().checkAndApply();
  assert.match(expired.error!, /expired/);
});

test("a device clock set back does not revive an expired index", async () => {
  const { clock, ports, store, client } = setup();
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  const early = store.index(clock.ms, 3600_000); // expires T0+1h
  clock.ms = T0 + 2 * 3600_000;
  store.serve(ports.http, CDN, store.index(clock.ms)); // issued T0+2h, accepted
  assert.equal((await client().checkAndApply()).status, "updated");
  clock.ms = T0; // clock set back
  store.version = 0; // even a replayed high version would be refused on expiry
  store.serve(ports.http, CDN, early);
  const r = await client().checkAndApply();
  assert.equal(r.status, "failed");
});

test("crash loop: rolled back after maxLaunches, reported, never retried", async () => {
  const { clock, ports, store, client } = setup({ serverUrl: undefined });
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  await client().checkAndApply();
  await client().ensureHealthyOrRollback();
  await client().markHealthy();
  store.publish({ releaseId: "r2", versionCode: 2, bundle: NEW });
  store.serve(ports.http, CDN, store.index(clock.ms));
  assert.equal((await client().checkAndApply()).releaseId, "r2");
  assert.equal((await client().ensureHealthyOrRollback()).status, "trial"); // launch 1, crashes
  assert.equal((await client().ensureHealthyOrRollback()).status, "trial"); // launch 2, crashes
  const rb = await client().ensureHealthyOrRollback(); // launch 3
  assert.equal(rb.status, "rolledBack");
  assert.equal(rb.releaseId, "r2");
  assert.equal(ports.bundle.active, "/data/ota/releases/r1/index.bundle");
  assert.equal(ports.bundle.restarts, 1);
  const s = await client().loadState();
  assert.equal(s.currentReleaseId, "r1");
  assert.deepEqual(s.failedReleases, ["r2"]);
  const again = await client().checkAndApply();
  assert.equal(again.status, "upToDate");
  assert.match(again.error!, /not retried/);
  assert.equal(ports.bundle.active, "/data/ota/releases/r1/index.bundle");
});

test("trial timeout rolls back to the embedded bundle", async () => {
  const { clock, ports, store, client } = setup({ health: { maxLaunches: 5, timeoutMs: 1000 } });
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  await client().checkAndApply();
  assert.equal((await client().ensureHealthyOrRollback()).status, "trial");
  clock.ms += 5000;
  const rb = await client().ensureHealthyOrRollback();
  assert.equal(rb.status, "rolledBack");
  assert.equal(ports.bundle.active, null);
});

test("mandatory update and revocation that brings a device back down", async () => {
  const { clock, ports, store, client } = setup();
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.publish({ releaseId: "r2", versionCode: 2, bundle: NEW, mandatory: true });
  store.serve(ports.http, CDN, store.index(clock.ms));
  const r = await client().checkAndApply();
  assert.equal(r.releaseId, "r2");
  assert.equal(r.mandatory, true);
  await client().ensureHealthyOrRollback();
  await client().markHealthy();
  store.revoked.push("r2");
  store.serve(ports.http, CDN, store.index(clock.ms));
  const down = await client().checkAndApply();
  assert.equal(down.status, "updated", down.error);
  assert.equal(down.releaseId, "r1");
  assert.equal(down.mandatory, true);
  // revoke everything: back to the embedded bundle
  await client().ensureHealthyOrRollback();
  await client().markHealthy();
  store.revoked.push("r1");
  store.serve(ports.http, CDN, store.index(clock.ms));
  const embedded = await client().checkAndApply();
  assert.equal(embedded.status, "rolledBack");
  assert.equal(embedded.mandatory, true);
  assert.equal(ports.bundle.active, null);
  await client().ensureHealthyOrRollback();
  assert.equal((await client().loadState()).currentReleaseId, null);
});

function serverAnswer(store: FakeStore, indexBytes: Uint8Array, device: { currentReleaseId?: string }, override?: object) {
  const index = readChannelIndex(cosePayload(indexBytes));
  const d = decide(index, { deviceId: "device-1", runtimeVersion: "1.0.0", currentReleaseId: device.currentReleaseId ?? null });
  const answer: Record<string, unknown> = { decision: d.decision, mandatory: d.mandatory, index: base64Encode(indexBytes) };
  if (d.releaseId !== undefined) {
    answer["releaseId"] = d.releaseId;
    const entry = index.releases.find((r) => r.releaseId === d.releaseId)!;
    answer["manifest"] = base64Encode(store.blobs.get(entry.manifest.url)!);
  }
  return utf8Encode(JSON.stringify({ ...answer, ...override }));
}

function cosePayload(cose: Uint8Array): Uint8Array {
  const item = decodeCbor(cose);
  if (item.kind !== "tagged" || item.content.kind !== "array") throw new Error("not COSE");
  const p = item.content.items[2]!;
  if (p.kind !== "bytes") throw new Error("no payload");
  return p.value;
}

test("dynamic: follows a verified server answer, refuses one the index does not back, sends telemetry", async () => {
  const { clock, ports, store, client } = setup({ serverUrl: SERVER, cdnBase: undefined });
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  const indexBytes = store.index(clock.ms);
  store.serve(ports.http, SERVER, indexBytes);
  const updateUrl = `${SERVER}v1/apps/com.kivyx.app/ios/channels/production/update`;
  ports.http.routes.set(updateUrl, { body: serverAnswer(store, indexBytes, {}), etag: '"a1"' });
  const r = await client().checkAndApply();
  assert.equal(r.status, "updated", r.error);
  const req = ports.http.requests.find((q) => q.url.startsWith(updateUrl))!;
  assert.match(req.url, /deviceId=device-1&runtimeVersion=1\.0\.0/);
  // a server that claims a release the index does not offer
  ports.http.routes.set(updateUrl, {
    body: serverAnswer(store, indexBytes, { currentReleaseId: "r1" }, { decision: "update", releaseId: "r9", mandatory: false }),
  });
  const bad = await client().checkAndApply();
  assert.equal(bad.status, "failed");
  assert.match(bad.error!, /does not offer/);
  // a server whose decision differs from the signed index
  ports.http.routes.set(updateUrl, {
    body: serverAnswer(store, indexBytes, { currentReleaseId: "r1" }, { decision: "rollBackToEmbedded" }),
  });
  const differs = await client().checkAndApply();
  assert.match(differs.error!, /signed index gives/);
  await client().ensureHealthyOrRollback();
  const c = client();
  await c.markHealthy();
  await c.flushEvents();
  const types = ports.http.posts.flatMap((p) => (JSON.parse(p.body) as { events: { type: string }[] }).events.map((e) => e.type));
  assert.deepEqual(types, ["downloaded", "applied", "healthy"]);
  assert.ok(ports.http.posts.every((p) => p.url === `${SERVER}v1/events`));
});

test("telemetry: retried after a failure, bounded queue", async () => {
  const { clock, ports, store, client } = setup({ serverUrl: SERVER, telemetry: { maxQueue: 3 } });
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  const indexBytes = store.index(clock.ms);
  store.serve(ports.http, CDN, indexBytes);
  ports.http.routes.set(`${SERVER}v1/apps/com.kivyx.app/ios/channels/production/update`, {
    body: serverAnswer(store, indexBytes, {}),
  });
  ports.http.postStatus = 503;
  await client().checkAndApply();
  const c = client();
  for (let i = 0; i < 4; i++) {
    await c.ensureHealthyOrRollback();
  }
  await c.flushEvents();
  assert.equal(await c.pendingEvents(), 3);
  ports.http.postStatus = 200;
  clock.ms += 3600_000;
  await c.flushEvents();
  assert.equal(await c.pendingEvents(), 0);
});

test("an app-store update drops the OTA bundles, resets to the embedded bundle and reports it", async () => {
  const { clock, ports, store, client } = setup({ serverUrl: undefined });
  ports.bundle.native = { binaryVersion: "1.0.0 (10)", dropped: null };
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  assert.deepEqual(await client().ensureHealthyOrRollback(), { status: "ok" });
  assert.equal((await client().checkAndApply()).status, "updated");
  await client().ensureHealthyOrRollback();
  await client().markHealthy();
  assert.equal((await client().loadState()).binaryVersion, "1.0.0 (10)");
  // The store installs a new binary; native already loads its embedded bundle.
  ports.bundle.native = { binaryVersion: "1.1.0 (11)", dropped: null };
  ports.bundle.active = null;
  assert.deepEqual(await client().ensureHealthyOrRollback(), { status: "ok" });
  const s = await client().loadState();
  assert.equal(s.phase, "embedded");
  assert.equal(s.currentReleaseId, null);
  assert.equal(s.binaryVersion, "1.1.0 (11)");
  assert.equal(ports.bundle.active, null);
  assert.ok(![...ports.storage.files.keys()].some((k) => k.startsWith("releases/")), "OTA files removed");
  assert.equal(s.lastIndexVersion, 1, "replay protection survives the reset");
  // The same release is offered again for the new binary's runtime: it installs (it never failed).
  assert.equal((await client().checkAndApply()).status, "updated");
});

test("a bundle native dropped before its JS ran is reported as rolledBack crashedBeforeJs and never retried", async () => {
  const { clock, ports, store, client, options } = setup({ serverUrl: SERVER });
  const c0 = createOtaClient({ ...options, serverUrl: undefined });
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  await c0.checkAndApply();
  // Native promoted r1, it died twice before JS, and native went back to the embedded bundle.
  ports.bundle.active = null;
  ports.bundle.native = { binaryVersion: null, dropped: { bundle: "/data/ota/releases/r1/index.bundle", reason: "crashedBeforeJs" } };
  const h = await client().ensureHealthyOrRollback();
  assert.equal(h.status, "rolledBack");
  assert.equal(h.releaseId, "r1");
  assert.equal(h.rollbackReason, "crashedBeforeJs");
  assert.equal(ports.bundle.native.dropped, null, "the report is cleared once recorded");
  assert.equal(ports.bundle.restarts, 0, "native already loads the fallback");
  const s = await client().loadState();
  assert.deepEqual(s.failedReleases, ["r1"]);
  assert.equal(s.phase, "embedded");
  await client().flushEvents();
  const sent = ports.http.posts.flatMap((p) => (JSON.parse(p.body) as { events: { type: string; reason?: string }[] }).events);
  assert.ok(sent.some((e) => e.type === "rolledBack" && e.reason === "crashedBeforeJs"), JSON.stringify(sent));
  assert.equal((await createOtaClient({ ...options, serverUrl: undefined }).checkAndApply()).status, "upToDate");
});

test("state written by version 0.1 (v1 JSON) is read by the new code", async () => {
  const { clock, ports, store, client } = setup();
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  const release = { releaseId: "r1", versionCode: 1, dir: "releases/r1", bundle: "releases/r1/index.bundle", sha256: sha256Hex(OLD), size: OLD.length };
  ports.storage.files.set("releases/r1/index.bundle", OLD);
  ports.bundle.active = "/data/ota/releases/r1/index.bundle";
  await ports.storage.setItem(
    "kivyx-ota/state",
    JSON.stringify({
      v: 1, current: release, pending: null, pendingEmbedded: false, previous: null,
      trial: { releaseId: "r1", launches: 1, startedAt: clock.ms, previous: null },
      failedReleases: ["r0"], lastIndexVersion: 1, newestSignedTime: clock.ms, cache: null,
    }),
  );
  assert.deepEqual(await client().ensureHealthyOrRollback(), { status: "trial", releaseId: "r1" });
  await client().markHealthy();
  const s = await client().loadState();
  assert.equal(s.phase, "running");
  assert.deepEqual(s.failedReleases, ["r0"]);
  assert.equal((await client().checkAndApply()).status, "upToDate");
  assert.equal(JSON.parse((await ports.storage.getItem("kivyx-ota/state"))!).v, 2);
});

test("with a native download port, a tampered bundle is refused and leaves nothing behind", async () => {
  const { clock, ports, store, client } = setup();
  store.publish({ releaseId: "r1", versionCode: 1, bundle: OLD });
  store.serve(ports.http, CDN, store.index(clock.ms));
  const launchUrl = [...ports.http.routes.keys()].find((u) => u.endsWith(sha256Hex(OLD)))!;
  ports.http.routes.set(launchUrl, { body: NEW.subarray(0, OLD.length) }); // same size, other bytes
  const downloads: string[] = [];
  const http = Object.assign(ports.http, {
    // What the native module does: stream to the file, hash, report (here from the fake CDN).
    async downloadToFile(url: string, absPath: string, o: { maxBytes: number }) {
      downloads.push(url);
      const r = await ports.http.get(url, { maxBytes: o.maxBytes });
      const path = absPath.replace("/data/ota/", "");
      await ports.storage.writeFile(path, r.body);
      return { status: r.status, size: r.body.length, sha256: sha256Hex(r.body) };
    },
  });
  void http;
  const r = await client().checkAndApply();
  assert.equal(r.status, "failed");
  assert.match(r.error ?? "", /does not match its signed SHA-256/);
  assert.deepEqual(downloads, [launchUrl]);
  assert.equal(ports.bundle.active, null);
  assert.ok(![...ports.storage.files.keys()].some((k) => k.endsWith("index.bundle")), "the bad file is removed");
});
