import assert from "node:assert/strict";
import { test } from "node:test";
import { utf8Encode } from "../../src/bytes.js";
import { createOtaClient, type OtaClientOptions } from "../../src/client.js";
import { CONTENT_TYPE_KEY_SET } from "../../src/keyset.js";
import { CDN, Clock, FakeStore, T0, TestSigner, deviceOptions, iso, memoryPorts } from "../support.js";

const DAY = 86_400_000;
const KEYS_URL = `${CDN}apps/com.kivyx.app/keys.cose`;

const root = new TestSigner("root-v1", new Uint8Array(32).fill(7));
const prodV1 = new TestSigner("prod-v1", new Uint8Array(32).fill(8));
const prodV2 = new TestSigner("prod-v2", new Uint8Array(32).fill(9));

function keySet(version: number, keys: { signer: TestSigner; from: number; to: number }[], issued = T0, signer = root): Uint8Array {
  return signer.signJson(CONTENT_TYPE_KEY_SET, {
    schema: "kivyx.ota/keyset@1",
    appId: "com.kivyx.app",
    version,
    issuedAt: iso(issued),
    expiresAt: iso(issued + 30 * DAY),
    roots: [{ kid: root.kid, publicKeyHex: root.publicKeyHex }],
    keys: keys.map((k) => ({ kid: k.signer.kid, publicKeyHex: k.signer.publicKeyHex, notBefore: iso(k.from), notAfter: iso(k.to) })),
  });
}

function setup(extra: Partial<OtaClientOptions> = {}) {
  const clock = new Clock(T0);
  const ports = memoryPorts(clock);
  const options = deviceOptions(ports, { rootKeys: root.keys(), ...extra });
  return { clock, ports, client: () => createOtaClient(options) };
}

test("pinned signing keys carry a store without a key set, and never again once one is trusted", async () => {
  const { clock, ports, client } = setup({ publicKeys: prodV1.keys() });
  const store = new FakeStore(prodV1);
  store.publish({ releaseId: "r1", versionCode: 1, bundle: utf8Encode("one") });
  store.serve(ports.http, CDN, store.index(clock.ms));
  assert.equal((await client().checkAndApply()).status, "updated");

  // The key set arrives and lists only prod-v2: prod-v1's index is refused although prod-v1 is pinned.
  ports.http.routes.set(KEYS_URL, { body: keySet(1, [{ signer: prodV2, from: T0, to: T0 + 365 * DAY }]) });
  const refused = await client().checkAndApply();
  assert.equal(refused.status, "failed");
  assert.match(refused.error ?? "", /UNKNOWN_KID.*prod-v1/);
  assert.equal((await client().loadState()).keySetVersion, 1);

  // The key set disappears (a CDN hiccup, or someone withholding it): the trusted one stays in charge.
  ports.http.routes.delete(KEYS_URL);
  assert.match((await client().checkAndApply()).error ?? "", /UNKNOWN_KID.*prod-v1/);
  const signedByV2 = new FakeStore(prodV2);
  signedByV2.version = store.version;
  signedByV2.publish({ releaseId: "r2", versionCode: 2, bundle: utf8Encode("two") });
  signedByV2.serve(ports.http, CDN, signedByV2.index(clock.ms));
  const r2 = await client().checkAndApply();
  assert.equal(r2.status, "updated", r2.error);
  assert.equal(r2.releaseId, "r2");
});

test("a signing key is accepted only inside its window, judged by the device clock", async () => {
  const { clock, ports, client } = setup();
  ports.http.routes.set(KEYS_URL, { body: keySet(1, [{ signer: prodV1, from: T0 + DAY, to: T0 + 10 * DAY }]) });
  const store = new FakeStore(prodV1);
  store.publish({ releaseId: "r1", versionCode: 1, bundle: utf8Encode("one") });
  store.serve(ports.http, CDN, store.index(clock.ms, 30 * DAY));
  const early = await client().checkAndApply();
  assert.equal(early.status, "failed");
  assert.match(early.error ?? "", /NO_VALID_KEY/);
  clock.ms = T0 + DAY;
  assert.equal((await client().checkAndApply()).status, "updated");
  clock.ms = T0 + 10 * DAY;
  const late = await client().checkAndApply();
  assert.equal(late.status, "failed");
  assert.match(late.error ?? "", /NO_VALID_KEY/);
});

test("an expired key set freezes updates until a fresh one is published", async () => {
  const { clock, ports, client } = setup();
  ports.http.routes.set(KEYS_URL, { body: keySet(1, [{ signer: prodV1, from: T0, to: T0 + 365 * DAY }]) });
  const store = new FakeStore(prodV1);
  store.publish({ releaseId: "r1", versionCode: 1, bundle: utf8Encode("one") });
  clock.ms = T0 + 31 * DAY;
  store.serve(ports.http, CDN, store.index(clock.ms));
  const frozen = await client().checkAndApply();
  assert.equal(frozen.status, "failed");
  assert.match(frozen.error ?? "", /EXPIRED/);
  ports.http.routes.set(KEYS_URL, { body: keySet(2, [{ signer: prodV1, from: T0, to: T0 + 365 * DAY }], clock.ms) });
  assert.equal((await client().checkAndApply()).status, "updated");
  assert.equal((await client().loadState()).keySetVersion, 2);
});

test("root keys or signing keys must be pinned", () => {
  const { ports } = setup();
  assert.throws(
    () => createOtaClient({ appId: "a", platform: "ios", channel: "c", runtimeVersion: "1", deviceId: "d", cdnBase: CDN, ports }),
    /publicKeys.*rootKeys/,
  );
});
