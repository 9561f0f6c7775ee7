/**
 * Expo Updates protocol v1 end to end: `kivyx-ota publish` (with Expo manifests signed by the
 * publisher) into a directory store, the real `kivyx-ota serve` in front of it, and an
 * independent Expo client (../expo-client.ts) built on Expo's own npm libraries checking every
 * header, part, field, hash and signature; patches applied with the real `bspatch`.
 */
import codeSigning from "@expo/code-signing-certificates";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { after, test } from "node:test";
import forge from "node-forge";
import { bucket } from "../../src/decision.js";
import {
  ExpoAnswer,
  REAL_CLIENT_ACCEPT,
  base64UrlSha256,
  checkForUpdate,
  makeCertificate,
  parseSignature,
  part,
  partHeader,
  pemCertificates,
  requestHeaders,
  verifiedLeaf,
  verifySignedBody,
} from "../expo-client.js";
import { startServe, type RunningServer } from "../serve.js";
import { jarPath, runJar } from "../jar.js";
import { requireShared } from "../paths.js";

const work = mkdtempSync(resolve(tmpdir(), "kivyx-expo-e2e-"));
const store = resolve(work, "store");
const keys = resolve(work, "keys");
let server: RunningServer | null = null;
/** What the server printed so far. */
const serverLog = (): string => server?.log() ?? "";
let base = "";
const CORPUS = (name: string): string => resolve(requireShared("corpus"), name);
const RUNTIME = "1.0.0";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A code-signing root CA (embedded in the app) and a leaf it issued (signs on the publisher). */
const chain = (() => {
  const rootKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const leafKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const rootPrivate = rootKeys.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const root = makeCertificate({
    commonName: "Kivyx test root",
    publicKeyPem: rootKeys.publicKey.export({ type: "spki", format: "pem" }).toString(),
    selfPrivateKeyPem: rootPrivate,
    ca: true,
  });
  const leaf = makeCertificate({
    commonName: "Kivyx test leaf",
    publicKeyPem: leafKeys.publicKey.export({ type: "spki", format: "pem" }).toString(),
    issuer: { cert: root, privateKeyPem: rootPrivate },
    ca: false,
  });
  return {
    rootPem: forge.pki.certificateToPem(root),
    leafPem: forge.pki.certificateToPem(leaf),
    // PKCS#1, as node-forge and older Expo tooling write it
    leafKeyPem: leafKeys.privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    /** A new leaf from the same root: the signing key rotates, the root embedded in the app stays. */
    issueLeaf(commonName: string): { certPem: string; keyPem: string } {
      const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const cert = makeCertificate({
        commonName,
        publicKeyPem: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
        issuer: { cert: root, privateKeyPem: rootPrivate },
        ca: false,
      });
      return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKey.export({ type: "pkcs1", format: "pem" }).toString() };
    },
  };
})();

let setup: Promise<void> | null = null;
function ready(): Promise<void> {
  setup ??= start();
  return setup;
}

async function start(): Promise<void> {
  const r = spawnSync("java", ["-jar", jarPath(), "serve", "--help"], { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0 || !/Usage: kivyx-ota serve/.test(r.stdout)) throw new Error(`the jar ${jarPath()} has no working 'serve' command`);
  mkdirSync(store, { recursive: true });
  runJar(["keys", "generate", "--name", "test-v1", "--out", keys]);
  mkdirSync(resolve(keys, "chain"), { recursive: true });
  writeFileSync(resolve(keys, "chain", "leaf.key.pem"), chain.leafKeyPem);
  writeFileSync(resolve(keys, "chain", "leaf.cert.pem"), chain.leafPem);
  server = await startServe(["--store", store, "--pubkey", resolve(keys, "test-v1.pub.pem")]);
  base = server.base;
}

after(() => {
  server?.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Published {
  releaseId: string;
  indexVersion: number;
  expoUpdateId?: string;
  expoPatches?: number;
}

function publish(app: string, code: number, source: string[], expo: string[], extra: string[] = []): Published {
  const out = runJar([
    "publish", "--store", store, "--key", resolve(keys, "test-v1.key.pem"), "--app", app, "--platform", "android",
    "--channel", "production", "--version", `1.0.${code}`, "--version-code", String(code), "--runtime-version", RUNTIME,
    ...source, ...expo, ...extra,
  ]);
  return JSON.parse(out.trim().split("\n").pop()!) as Published;
}

const signedWithChain = (): string[] => [
  "--expo-asset-base-url", base, "--expo-key", resolve(keys, "chain", "leaf.key.pem"),
  "--expo-certificate-chain", resolve(keys, "chain", "leaf.cert.pem"),
];

async function serverSees(app: string, version: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`${base}v1/apps/${app}/android/channels/production/index`);
      if (r.status === 200) {
        const m = /"version":(\d+)/.exec(Buffer.from(await r.arrayBuffer()).toString("latin1"));
        if (m !== null && Number(m[1]) >= version) return;
      }
    } catch {
      // the server was busy reloading
    }
    if (Date.now() > deadline) throw new Error(`the server did not pick up index ${version} of ${app}:\n${serverLog().slice(-2000)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

const manifestUrl = (app: string): string => `${base}v1/apps/${app}/expo/manifest`;

function assertProtocolHeaders(a: ExpoAnswer): void {
  assert.equal(a.headers.get("expo-protocol-version"), "1");
  assert.equal(a.headers.get("expo-sfv-version"), "0");
  assert.equal(a.headers.get("cache-control"), "private, max-age=0");
}

interface ExpoAsset {
  hash: string;
  key: string;
  contentType: string;
  fileExtension?: string;
  url: string;
}
interface ExpoManifest {
  id: string;
  createdAt: string;
  runtimeVersion: string;
  launchAsset: ExpoAsset;
  assets: ExpoAsset[];
  metadata: Record<string, string>;
  extra: Record<string, unknown>;
}

/** Checks each field's type and each file's hash against what its URL serves. */
async function assertManifest(m: ExpoManifest, expectedAssets: number): Promise<void> {
  assert.match(m.id, UUID);
  assert.match(m.createdAt, MILLIS);
  assert.equal(m.runtimeVersion, RUNTIME);
  assert.equal(typeof m.metadata, "object");
  assert.equal(typeof m.extra, "object");
  assert.equal(m.assets.length, expectedAssets);
  for (const [i, a] of [m.launchAsset, ...m.assets].entries()) {
    assert.equal(typeof a.key, "string");
    assert.equal(typeof a.contentType, "string");
    assert.match(a.hash, /^[A-Za-z0-9_-]{43}$/, "base64url SHA-256 without padding");
    if (i > 0) assert.match(a.fileExtension ?? "", /^\.[a-z0-9]+$/, "non-launch assets need fileExtension");
    assert.match(a.url, /^http:\/\//);
    const r = await fetch(a.url, { headers: { accept: `${a.contentType}, */*`, "accept-encoding": "br, gzip" } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(base64UrlSha256(new Uint8Array(await r.arrayBuffer())), a.hash, `hash of ${a.url}`);
  }
  assert.equal(m.launchAsset.contentType, "application/javascript");
}

let chainApp: { r1: Published; r2: Published } | null = null;
const CHAIN_APP = "com.expo.chain";

async function chainReleases(): Promise<{ r1: Published; r2: Published }> {
  await ready();
  if (chainApp !== null) return chainApp;
  const assets = resolve(work, "chain-assets");
  mkdirSync(assets, { recursive: true });
  writeFileSync(resolve(assets, "logo.png"), Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"));
  writeFileSync(resolve(assets, "font.ttf"), "not really a font");
  const r1 = publish(CHAIN_APP, 1, ["--bundle", CORPUS("v1.hbc"), "--assets", assets], signedWithChain());
  const r2 = publish(CHAIN_APP, 2, ["--bundle", CORPUS("v2.hbc"), "--assets", assets], signedWithChain());
  await serverSees(CHAIN_APP, r2.indexVersion);
  chainApp = { r1, r2 };
  return chainApp;
}

test("multipart: protocol headers, manifest + extensions + certificate_chain parts, every field and hash, signature through root + leaf", async () => {
  const { r2 } = await chainReleases();
  const a = await checkForUpdate(manifestUrl(CHAIN_APP), { platform: "android", runtimeVersion: RUNTIME, clientId: "device-a", expectSignature: true });
  assert.equal(a.status, 200, a.body.toString());
  assertProtocolHeaders(a);
  assert.match(a.headers.get("content-type") ?? "", /^multipart\/mixed; boundary=/);
  assert.deepEqual(a.parts.map((p) => p.name).sort(), ["certificate_chain", "extensions", "manifest"]);
  for (const p of a.parts) assert.equal(p.contentDisposition, "inline");
  const manifestPart = part(a, "manifest");
  assert.equal(partHeader(manifestPart, "content-type"), "application/json");
  const manifest = JSON.parse(manifestPart.body) as ExpoManifest;
  assert.equal(manifest.id, r2.expoUpdateId, "the newest release, by the decision function");
  await assertManifest(manifest, 2);
  assert.deepEqual(JSON.parse(part(a, "extensions").body), { assetRequestHeaders: {} });

  const signature = parseSignature(partHeader(manifestPart, "expo-signature") ?? "");
  assert.equal(signature.keyid, "main");
  assert.equal(signature.alg, "rsa-v1_5-sha256");
  const served = part(a, "certificate_chain").body;
  assert.equal(pemCertificates(served).length, 1, "the leaf; the root is embedded in the app");
  const leaf = verifiedLeaf(served, chain.rootPem);
  verifySignedBody(manifestPart.body, partHeader(manifestPart, "expo-signature"), leaf, "main");

  // another root embedded in the app: the chain does not lead to it
  const otherRoot = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const otherRootPem = forge.pki.certificateToPem(
    makeCertificate({
      commonName: "Kivyx test root",
      publicKeyPem: otherRoot.publicKey.export({ type: "spki", format: "pem" }).toString(),
      selfPrivateKeyPem: otherRoot.privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
      ca: true,
    }),
  );
  assert.throws(() => verifiedLeaf(served, otherRootPem), /not signed by the next one/);
  // a keyid the app is not configured with
  assert.throws(() => verifySignedBody(manifestPart.body, partHeader(manifestPart, "expo-signature"), leaf, "root"), /keyid=main/);
});

test("leaf rotation: the next release is signed by a new leaf from the same root, which the app's embedded root accepts", async () => {
  await ready();
  const app = "com.expo.leafrotation";
  const assets = resolve(work, "rotation-assets");
  mkdirSync(assets, { recursive: true });
  writeFileSync(resolve(assets, "logo.png"), Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"));
  publish(app, 1, ["--bundle", CORPUS("v1.hbc"), "--assets", assets], signedWithChain());
  const next = chain.issueLeaf("Kivyx test leaf 2");
  mkdirSync(resolve(keys, "chain2"), { recursive: true });
  writeFileSync(resolve(keys, "chain2", "leaf.key.pem"), next.keyPem);
  writeFileSync(resolve(keys, "chain2", "leaf.cert.pem"), next.certPem);
  const r2 = publish(app, 2, ["--bundle", CORPUS("v2.hbc"), "--assets", assets], [
    "--expo-asset-base-url", base, "--expo-key", resolve(keys, "chain2", "leaf.key.pem"),
    "--expo-certificate-chain", resolve(keys, "chain2", "leaf.cert.pem"),
  ]);
  await serverSees(app, r2.indexVersion);

  const a = await checkForUpdate(manifestUrl(app), { platform: "android", runtimeVersion: RUNTIME, clientId: "device-a", expectSignature: true });
  assert.equal(a.status, 200, a.body.toString());
  const manifestPart = part(a, "manifest");
  assert.equal((JSON.parse(manifestPart.body) as ExpoManifest).id, r2.expoUpdateId);
  const served = part(a, "certificate_chain").body;
  assert.equal(pemCertificates(served)[0], pemCertificates(next.certPem)[0], "the new leaf is served");
  const leaf = verifiedLeaf(served, chain.rootPem);
  verifySignedBody(manifestPart.body, partHeader(manifestPart, "expo-signature"), leaf, "main");
  // the retired leaf did not sign it
  const oldLeaf = verifiedLeaf(chain.leafPem, chain.rootPem);
  assert.throws(() => verifySignedBody(manifestPart.body, partHeader(manifestPart, "expo-signature"), oldLeaf, "main"), /signature was incorrect/);
});

test("tampered bytes in transit are refused by the signature check", async () => {
  await chainReleases();
  const a = await checkForUpdate(manifestUrl(CHAIN_APP), { platform: "android", runtimeVersion: RUNTIME, clientId: "device-a" });
  const p = part(a, "manifest");
  const leaf = verifiedLeaf(part(a, "certificate_chain").body, chain.rootPem);
  verifySignedBody(p.body, partHeader(p, "expo-signature"), leaf, "main");
  const swappedHash = p.body.replace(/"hash":"([A-Za-z0-9_-])/, (_m, c: string) => `"hash":"${c === "A" ? "B" : "A"}`);
  assert.notEqual(swappedHash, p.body);
  assert.throws(() => verifySignedBody(swappedHash, partHeader(p, "expo-signature"), leaf, "main"), /signature was incorrect/);
  const otherUrl = p.body.replace("http://127.0.0.1", "http://127.0.0.2");
  assert.throws(() => verifySignedBody(otherUrl, partHeader(p, "expo-signature"), leaf, "main"), /signature was incorrect/);
  assert.throws(() => verifySignedBody(p.body, undefined, leaf, "main"), /No expo-signature/);
});

test("JSON when only JSON is accepted (manifest body, expo-signature header), 406 for anything else, 400 for a bad platform", async () => {
  const { r2 } = await chainReleases();
  for (const accept of ["application/json", "application/expo+json", "application/expo+json;q=0.9, application/json;q=0.8, multipart/mixed;q=0"]) {
    const a = await checkForUpdate(manifestUrl(CHAIN_APP), { platform: "android", runtimeVersion: RUNTIME, clientId: "device-a", accept });
    assert.equal(a.status, 200);
    assertProtocolHeaders(a);
    assert.equal(a.headers.get("content-type"), accept.startsWith("application/json") ? "application/json" : "application/expo+json");
    const body = a.body.toString("utf8");
    assert.equal((JSON.parse(body) as ExpoManifest).id, r2.expoUpdateId);
    verifySignedBody(body, a.headers.get("expo-signature") ?? undefined, verifiedLeaf(chain.leafPem, chain.rootPem), "main");
  }
  for (const accept of ["text/html", "multipart/mixed;q=0, application/json;q=0, application/expo+json;q=0"]) {
    const a = await checkForUpdate(manifestUrl(CHAIN_APP), { platform: "android", runtimeVersion: RUNTIME, accept });
    assert.equal(a.status, 406, accept);
    assertProtocolHeaders(a);
  }
  const bad = await fetch(manifestUrl(CHAIN_APP), { headers: { ...requestHeaders({ platform: "web", runtimeVersion: RUNTIME }) } });
  assert.equal(bad.status, 400);
  const unknownChannel = await checkForUpdate(manifestUrl(CHAIN_APP), { platform: "android", runtimeVersion: RUNTIME, channel: "staging" });
  assert.equal(unknownChannel.status, 404);
});

test("a device on the chosen update gets 204 with expo-protocol-version 1; another runtime version gets nothing", async () => {
  const { r2 } = await chainReleases();
  const current = await checkForUpdate(manifestUrl(CHAIN_APP), { platform: "android", runtimeVersion: RUNTIME, clientId: "device-b", currentUpdateId: r2.expoUpdateId! });
  assert.equal(current.status, 204);
  assertProtocolHeaders(current);
  assert.equal(current.body.length, 0);
  const otherRuntime = await checkForUpdate(manifestUrl(CHAIN_APP), { platform: "android", runtimeVersion: "9.9.9", clientId: "device-b" });
  assert.equal(otherRuntime.status, 204);
});

test("bsdiff: 226 IM Used with IM, Delta-Base and a raw ETag; the real bspatch rebuilds the bundle with the manifest's hash", async () => {
  const { r1, r2 } = await chainReleases();
  assert.equal(r2.expoPatches, 1, "a patch from the earlier release");
  const a = await checkForUpdate(manifestUrl(CHAIN_APP), { platform: "android", runtimeVersion: RUNTIME, clientId: "device-p", currentUpdateId: r1.expoUpdateId! });
  const manifest = JSON.parse(part(a, "manifest").body) as ExpoManifest;
  assert.equal(manifest.id, r2.expoUpdateId);
  const patchHeaders = {
    "a-im": "bsdiff",
    accept: "application/vnd.bsdiff,*/*",
    "if-none-match": r1.expoUpdateId!,
    "if-match": r2.expoUpdateId!,
    "expo-current-update-id": r1.expoUpdateId!,
    "expo-requested-update-id": r2.expoUpdateId!,
  };
  const r = await fetch(manifest.launchAsset.url, { headers: patchHeaders });
  assert.equal(r.status, 226);
  assert.equal(r.headers.get("im"), "bsdiff");
  assert.equal(r.headers.get("delta-base"), r1.expoUpdateId);
  assert.equal(r.headers.get("etag"), r2.expoUpdateId, "raw, unquoted: the client compares it as is");
  const patch = Buffer.from(await r.arrayBuffer());
  assert.equal(patch.subarray(0, 8).toString("latin1"), "BSDIFF40");
  assert.ok(patch.length * 2 < readFileSync(CORPUS("v2.hbc")).length, `patch of ${patch.length} bytes`);
  const dir = mkdtempSync(resolve(work, "bspatch-"));
  copyFileSync(CORPUS("v1.hbc"), resolve(dir, "old"));
  writeFileSync(resolve(dir, "patch"), patch);
  execFileSync("bspatch", [resolve(dir, "old"), resolve(dir, "new"), resolve(dir, "patch")]);
  assert.equal(base64UrlSha256(readFileSync(resolve(dir, "new"))), manifest.launchAsset.hash);

  // no patch for a base the publisher made none from, nor without A-IM: the full asset
  for (const headers of [{ ...patchHeaders, "if-none-match": "00000000-0000-0000-0000-000000000000" }, { accept: "*/*" }]) {
    const full = await fetch(manifest.launchAsset.url, { headers });
    assert.equal(full.status, 200);
    assert.equal(full.headers.get("im"), null);
    assert.equal(base64UrlSha256(new Uint8Array(await full.arrayBuffer())), manifest.launchAsset.hash);
  }
});

async function eventCount(app: string, release: string, type: string): Promise<number> {
  const metrics = await (await fetch(`${base}metrics`)).text();
  const label = release.replace(/\./g, "\\.");
  const m = new RegExp(`kivyx_ota_device_events_total\\{app="${app}",channel="production",platform="android",reason="none",release="${label}",type="${type}"\\} ([0-9.]+)`).exec(metrics);
  return m === null ? 0 : Number(m[1]);
}

test("telemetry: Expo-Current-Update-ID and failed launches count once per device into the device-event metrics", async () => {
  const { r1, r2 } = await chainReleases();
  const before = {
    healthy: await eventCount(CHAIN_APP, r1.releaseId, "healthy"),
    rolledBack: await eventCount(CHAIN_APP, r2.releaseId, "rolledBack"),
    crashed: await eventCount(CHAIN_APP, r2.releaseId, "crashed"),
  };
  for (let i = 0; i < 3; i++) {
    await checkForUpdate(manifestUrl(CHAIN_APP), {
      platform: "android", runtimeVersion: RUNTIME, clientId: "device-t", currentUpdateId: r1.expoUpdateId!,
      failedUpdateIds: [r2.expoUpdateId!], fatalError: "TypeError: undefined is not a function",
    });
  }
  await checkForUpdate(manifestUrl(CHAIN_APP), { platform: "android", runtimeVersion: RUNTIME, clientId: "device-u", currentUpdateId: r1.expoUpdateId! });
  assert.equal(await eventCount(CHAIN_APP, r1.releaseId, "healthy"), before.healthy + 2, "device-t once (3 requests) + device-u once");
  assert.equal(await eventCount(CHAIN_APP, r2.releaseId, "rolledBack"), before.rolledBack + 1);
  assert.equal(await eventCount(CHAIN_APP, r2.releaseId, "crashed"), before.crashed + 1);
  // an update id this channel never had is counted, under "other"
  const other = await eventCount(CHAIN_APP, "other", "healthy");
  await checkForUpdate(manifestUrl(CHAIN_APP), { platform: "android", runtimeVersion: RUNTIME, clientId: "device-v", currentUpdateId: "0f0f0f0f-0000-4000-8000-000000000000" });
  assert.equal(await eventCount(CHAIN_APP, "other", "healthy"), other + 1);
});

test("keys generate --expo: a certificate Expo's own library accepts; revoking the only release answers a signed rollBackToEmbedded", async () => {
  await ready();
  const app = "com.expo.self";
  const out = JSON.parse(runJar(["keys", "generate", "--expo", "--name", "expo-self", "--out", resolve(keys, "self")]).trim()) as { certificate: string; keyid: string; alg: string };
  assert.equal(out.alg, "rsa-v1_5-sha256");
  const certPem = readFileSync(out.certificate, "utf8");
  const cert = codeSigning.convertCertificatePEMToCertificate(certPem);
  const keyPair = codeSigning.convertKeyPairPEMToKeyPair({
    privateKeyPEM: readFileSync(resolve(keys, "self", "expo-self.key.pem"), "utf8"),
    publicKeyPEM: forge.pki.publicKeyToPem(cert.publicKey as forge.pki.rsa.PublicKey),
  });
  codeSigning.validateSelfSignedCertificate(cert, keyPair);

  const expo = ["--expo-asset-base-url", base, "--expo-key", resolve(keys, "self", "expo-self.key.pem"), "--expo-keyid", "main"];
  const r1 = publish(app, 1, ["--bundle", CORPUS("v1.min.js")], expo);
  await serverSees(app, r1.indexVersion);
  const device = { platform: "android", runtimeVersion: RUNTIME, clientId: "device-r", currentUpdateId: r1.expoUpdateId!, embeddedUpdateId: "11111111-2222-3333-4444-555555555555" };
  const before = await checkForUpdate(manifestUrl(app), device);
  assert.equal(before.status, 204);
  const createdAt = await (async () => {
    const fresh = await checkForUpdate(manifestUrl(app), { ...device, currentUpdateId: device.embeddedUpdateId });
    const p = part(fresh, "manifest");
    verifySignedBody(p.body, partHeader(p, "expo-signature"), verifiedLeaf(undefined, certPem), "main");
    return (JSON.parse(p.body) as ExpoManifest).createdAt;
  })();

  const revoked = JSON.parse(
    runJar(["rollout", "--store", store, "--key", resolve(keys, "test-v1.key.pem"), "--app", app, "--platform", "android", "--channel", "production", "--release", r1.releaseId, "--revoke"]).trim().split("\n").pop()!,
  ) as { indexVersion: number };
  await serverSees(app, revoked.indexVersion);
  const a = await checkForUpdate(manifestUrl(app), device);
  assert.equal(a.status, 200);
  assertProtocolHeaders(a);
  assert.deepEqual(a.parts.map((p) => p.name), ["directive"]);
  const d = part(a, "directive");
  verifySignedBody(d.body, partHeader(d, "expo-signature"), verifiedLeaf(undefined, certPem), "main");
  const directive = JSON.parse(d.body) as { type: string; parameters: { commitTime: string } };
  assert.equal(directive.type, "rollBackToEmbedded");
  assert.match(directive.parameters.commitTime, MILLIS);
  assert.ok(Date.parse(directive.parameters.commitTime) > Date.parse(createdAt), "after the update it takes the device off");
  // JSON has no directives: the JSON-only client is left alone
  assert.equal((await checkForUpdate(manifestUrl(app), { ...device, accept: "application/json" })).status, 204);
  // a device on the embedded bundle has nothing to roll back
  assert.equal((await checkForUpdate(manifestUrl(app), { ...device, currentUpdateId: device.embeddedUpdateId })).status, 204);
});

test("weights bucket on EAS-Client-ID exactly as the shared decision function does", async () => {
  await ready();
  const app = "com.expo.weight";
  const r1 = publish(app, 1, ["--bundle", CORPUS("v1.min.js")], ["--expo-asset-base-url", base], ["--weight", "50"]);
  await serverSees(app, r1.indexVersion);
  let offered = 0;
  for (let i = 0; i < 40; i++) {
    const clientId = `eas-${i}`;
    const a = await checkForUpdate(manifestUrl(app), { platform: "android", runtimeVersion: RUNTIME, clientId });
    const expected = bucket(`production/${r1.releaseId}`, clientId) < 5000;
    assert.equal(a.status, expected ? 200 : 204, clientId);
    if (expected) {
      offered++;
      const p = part(a, "manifest");
      assert.equal(partHeader(p, "expo-signature"), undefined, "published without an Expo key: unsigned");
      assert.equal((JSON.parse(p.body) as ExpoManifest).id, r1.expoUpdateId);
    }
  }
  assert.ok(offered > 5 && offered < 35, `${offered} of 40 in a 50% rollout`);
});

test("an Expo document copied from another release is not served in its place", async () => {
  await ready();
  const app = "com.expo.forged";
  const r1 = publish(app, 1, ["--bundle", CORPUS("v1.min.js")], ["--expo-asset-base-url", base]);
  // r2 goes out without Expo output at 99% (so r1 stays on the channel); a forged document,
  // r1's signed one renamed to r2, is put where r2's would be
  const r2 = publish(app, 2, ["--bundle", CORPUS("v2.min.js")], [], ["--weight", "99"]);
  const dir = resolve(store, "apps", app, "android", "expo");
  const doc = JSON.parse(readFileSync(resolve(dir, `${r1.releaseId}.json`), "utf8")) as Record<string, unknown>;
  writeFileSync(resolve(dir, `${r2.releaseId}.json`), JSON.stringify({ ...doc, releaseId: r2.releaseId }));
  // a new index version makes the server build the channel again and read the document
  const resigned = JSON.parse(
    runJar(["rollout", "--store", store, "--key", resolve(keys, "test-v1.key.pem"), "--app", app, "--platform", "android", "--channel", "production", "--resign"]).trim().split("\n").pop()!,
  ) as { indexVersion: number };
  await serverSees(app, resigned.indexVersion);
  let onR2 = 0;
  let onR1 = 0;
  for (let i = 0; i < 30; i++) {
    const clientId = `forged-${i}`;
    const a = await checkForUpdate(manifestUrl(app), { platform: "android", runtimeVersion: RUNTIME, clientId });
    if (bucket(`production/${r2.releaseId}`, clientId) < 9900) {
      onR2++;
      assert.equal(a.status, 204, `${clientId}: r2 is chosen and has no valid Expo answer; r1's signed bytes are not sent as r2`);
    } else {
      onR1++;
      assert.equal((JSON.parse(part(a, "manifest").body) as ExpoManifest).id, r1.expoUpdateId);
    }
  }
  assert.ok(onR2 > 0, `${onR2} devices in r2's bucket, ${onR1} in r1's`);
});

test("publish --expo-export reads npx expo export output: bundle and assets with their extensions", async () => {
  await ready();
  const app = "com.expo.export";
  const dist = resolve(work, "dist");
  mkdirSync(resolve(dist, "_expo", "static", "js", "android"), { recursive: true });
  mkdirSync(resolve(dist, "assets"), { recursive: true });
  copyFileSync(CORPUS("v1.hbc"), resolve(dist, "_expo", "static", "js", "android", "index-0123abcd.hbc"));
  writeFileSync(resolve(dist, "assets", "5b50965d1dfbc518fe50e4f9e1a08d3e"), Buffer.from("89504e470d0a1a0a", "hex"));
  writeFileSync(resolve(dist, "assets", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"), "font bytes");
  writeFileSync(
    resolve(dist, "metadata.json"),
    JSON.stringify({
      version: 0,
      bundler: "metro",
      fileMetadata: {
        android: {
          bundle: "_expo/static/js/android/index-0123abcd.hbc",
          assets: [
            { path: "assets/5b50965d1dfbc518fe50e4f9e1a08d3e", ext: "png" },
            { path: "assets/0f1e2d3c4b5a69788796a5b4c3d2e1f0", ext: "ttf" },
          ],
        },
      },
    }),
  );
  const r1 = publish(app, 1, ["--expo-export", dist], ["--expo-asset-base-url", base]);
  await serverSees(app, r1.indexVersion);
  const a = await checkForUpdate(manifestUrl(app), { platform: "android", runtimeVersion: RUNTIME, clientId: "device-x" });
  const manifest = JSON.parse(part(a, "manifest").body) as ExpoManifest;
  await assertManifest(manifest, 2);
  assert.deepEqual(manifest.assets.map((x) => x.fileExtension).sort(), [".png", ".ttf"]);
  assert.equal(manifest.launchAsset.hash, base64UrlSha256(readFileSync(CORPUS("v1.hbc"))));
  // an export without this platform is refused before anything is published
  assert.throws(
    () => runJar(["publish", "--store", store, "--key", resolve(keys, "test-v1.key.pem"), "--app", app, "--platform", "ios", "--channel", "production", "--version", "1.0.2", "--version-code", "2", "--runtime-version", RUNTIME, "--expo-export", dist, "--expo-asset-base-url", base]),
    /fileMetadata\.ios/,
  );
});

test("the request headers this client sends are what the real expo-updates client sends", () => {
  const h = requestHeaders({ platform: "ios", runtimeVersion: "1", clientId: "x", expectSignature: true });
  assert.equal(h["accept"], REAL_CLIENT_ACCEPT);
  assert.equal(h["expo-protocol-version"], "1");
  assert.equal(h["expo-expect-signature"], 'sig, keyid="main", alg="rsa-v1_5-sha256"');
});
