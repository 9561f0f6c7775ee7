/**
 * The CodePush acquisition API of the real `kivyx-ota serve`, driven by Microsoft's own
 * acquisition SDK (npm `code-push`, the `AcquisitionManager` react-native-code-push 9 runs)
 * over real HTTP: releases published with `kivyx-ota publish --codepush` into a directory
 * store, the downloaded zip unpacked with yauzl and hashed the way the native clients hash
 * an update folder.
 */
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, verify } from "node:crypto";
import { request as httpRequest } from "node:http";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, resolve } from "node:path";
import { after, test } from "node:test";
import { AcquisitionManager, AcquisitionStatus } from "code-push/script/acquisition-sdk.js";
import type { Callback, Http, NativeUpdateNotification, Package, RemotePackage } from "code-push/script/acquisition-sdk.js";
import yauzl from "yauzl";
import { bucket } from "../../src/decision.js";
import { startServe, type RunningServer } from "../serve.js";
import { runJar } from "../jar.js";

const work = mkdtempSync(resolve(tmpdir(), "kivyx-codepush-"));
const store = resolve(work, "store");
const keys = resolve(work, "keys");
let server: RunningServer | null = null;
/** What the server printed so far. */
const serverLog = (): string => server?.log() ?? "";
let base = "";

/** Deployment keys: A from the flag, B and C from the file. None may ever show up in logs or metrics. */
const KEY_A = "cpKeyA-ios-7Hq2mZ0x9Lw4";
const KEY_B = "cpKeyB-android-Rt5vN1kP8sYc";
const KEY_C = "cpKeyC-ios-tampered-Qz3dF6gH";
const APP_A = "com.kivyx.cp.a";
const APP_B = "com.kivyx.cp.b";
const APP_C = "com.kivyx.cp.c";
const KEY_D = "cpKeyD-ios-signed-Wm8bT2cV";
const APP_D = "com.kivyx.cp.d";
/** The code-signing key pair of app D: the app would pin the public half as CodePushPublicKey. */
const signing = generateKeyPairSync("rsa", { modulusLength: 2048 });

interface Published {
  releaseId: string;
  codePushPackageHash?: string;
  codePushPackage?: string;
}

function bundleDir(name: string, js: string): { bundle: string; assets: string } {
  const dir = resolve(work, "src", name);
  mkdirSync(resolve(dir, "assets", "img"), { recursive: true });
  writeFileSync(resolve(dir, "index.bundle"), js);
  writeFileSync(resolve(dir, "assets", "img", "logo.png"), `png of ${name}`);
  writeFileSync(resolve(dir, "assets", "img", "logo@2x.png"), `2x png of ${name}`);
  return { bundle: resolve(dir, "index.bundle"), assets: resolve(dir, "assets") };
}

function publish(app: string, platform: string, code: number, extra: string[] = []): Published {
  const src = bundleDir(`${app}-${code}`, `console.log("${app} release ${code}");\n`);
  const out = runJar([
    "publish", "--store", store, "--key", resolve(keys, "test-v1.key.pem"), "--app", app, "--platform", platform,
    "--channel", "production", "--version", `1.0.${code}`, "--version-code", String(code), "--release-id", `r${code}`,
    "--runtime-version", "1.0.0", "--bundle", src.bundle, "--assets", src.assets, "--codepush", "--no-deltas", ...extra,
  ]);
  return JSON.parse(out.trim().split("\n").pop()!) as Published;
}

let setup: Promise<void> | null = null;
function ready(): Promise<void> {
  setup ??= start();
  return setup;
}

async function start(): Promise<void> {
  mkdirSync(store, { recursive: true });
  runJar(["keys", "generate", "--name", "test-v1", "--out", keys]);
  // App C's package is damaged in the store before the server ever sees it.
  const c = publish(APP_C, "ios", 1);
  const blob = resolve(store, c.codePushPackage!);
  const bytes = readFileSync(blob);
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = (bytes[middle] ?? 0) ^ 0x01;
  writeFileSync(blob, bytes);
  const deployments = resolve(work, "deployments.txt");
  writeFileSync(deployments, `# CodePush deployments\n${KEY_B}=${APP_B}/android/production\n\n${KEY_C}=${APP_C}/ios/production\n${KEY_D}=${APP_D}/ios/production\n`);
  writeFileSync(resolve(work, "signing.pem"), signing.privateKey.export({ type: "pkcs8", format: "pem" }));
  server = await startServe([
      "--store", store, "--pubkey", resolve(keys, "test-v1.pub.pem"),
      "--codepush-deployment", `${KEY_A}=${APP_A}/ios/production`, "--codepush-deployments", deployments]);
  base = server.base;
}

after(() => {
  server?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The SDK's HTTP port on fetch, with the headers react-native-code-push's fetch adapter sends. */
const fetchRequester: Http.Requester = {
  request(verb: Http.Verb, url: string, bodyOrCallback: string | Callback<Http.Response>, maybeCallback?: Callback<Http.Response>): void {
    const callback = typeof bodyOrCallback === "function" ? bodyOrCallback : maybeCallback!;
    const body = typeof bodyOrCallback === "string" ? bodyOrCallback : undefined;
    const method = verb === 0 ? "GET" : verb === 2 ? "POST" : "PUT";
    fetch(url, {
      method,
      body,
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        "X-CodePush-Plugin-Name": "react-native-code-push",
        "X-CodePush-Plugin-Version": "9.0.1",
        "X-CodePush-SDK-Version": "4.2.3",
      },
    }).then(
      async (r) => callback(null as unknown as Error, { statusCode: r.status, body: await r.text() }),
      (e: unknown) => callback(e instanceof Error ? e : new Error(String(e)), undefined as unknown as Http.Response),
    );
  },
};

function sdk(deploymentKey: string, clientUniqueId: string, appVersion = "1.0.0"): AcquisitionManager {
  return new AcquisitionManager(fetchRequester, { serverUrl: base, appVersion, clientUniqueId, deploymentKey });
}

/** What the SDK hands react-native-code-push: a package, a store-update notice, or null. */
function check(m: AcquisitionManager, current: Partial<Package>): Promise<RemotePackage | NativeUpdateNotification | null> {
  return new Promise((ok, fail) =>
    m.queryUpdateWithCurrentPackage(current as Package, (error, result) => (error ? fail(error) : ok(result ?? null))),
  );
}

function remote(result: RemotePackage | NativeUpdateNotification | null): RemotePackage {
  assert.ok(result !== null && "downloadUrl" in result, `expected an update, got ${JSON.stringify(result)}`);
  return result;
}

function deployed(m: AcquisitionManager, pkg: Package | undefined, status: string | undefined): Promise<void> {
  return new Promise((ok, fail) => m.reportStatusDeploy(pkg, status, undefined, undefined, (e) => (e ? fail(e) : ok())));
}

function downloaded(m: AcquisitionManager, pkg: Package): Promise<void> {
  return new Promise((ok, fail) => m.reportStatusDownload(pkg, (e) => (e ? fail(e) : ok())));
}

async function raw(query: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${base}v0.1/public/codepush/update_check?${query}`);
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

/** Waits until a 100 % channel offers `label` to a device on the embedded bundle. */
async function serverOffers(key: string, label: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await raw(`deployment_key=${key}&app_version=1.0.0&client_unique_id=probe`);
    const info = r.json["update_info"] as Record<string, unknown> | undefined;
    if (info?.["label"] === label) return;
    if (Date.now() > deadline) throw new Error(`the server did not offer ${label}:\n${serverLog().slice(-2000)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** Unpacks a zip with yauzl into `dir`, as the clients do: parent folders made as files need them. */
function unzip(zip: Buffer, dir: string): Promise<string[]> {
  return new Promise((ok, fail) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return fail(err ?? new Error("no zip"));
      const names: string[] = [];
      file.on("error", fail);
      file.on("end", () => ok(names));
      file.on("entry", (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        if (entry.fileName.endsWith("/")) return file.readEntry();
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) return fail(e ?? new Error("no stream"));
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            const target = resolve(dir, entry.fileName);
            mkdirSync(dirname(target), { recursive: true });
            writeFileSync(target, Buffer.concat(chunks));
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}

/** CodePushUpdateUtils.verifyFolderHash: sorted "path:sha256" of every file, JSON, SHA-256. */
function folderHash(root: string): string {
  const entries: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir)) {
      const rel = prefix === "" ? name : `${prefix}/${name}`;
      if (rel.startsWith("__MACOSX/") || name === ".DS_Store" || name === ".codepushrelease") continue;
      const full = resolve(dir, name);
      if (statSync(full).isDirectory()) walk(full, rel);
      else entries.push(`${rel}:${createHash("sha256").update(readFileSync(full)).digest("hex")}`);
    }
  };
  walk(root, "");
  entries.sort();
  return createHash("sha256").update(JSON.stringify(entries)).digest("hex");
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${base}metrics`)).text();
  for (const line of text.split("\n")) {
    if (!line.startsWith(name + "{")) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(" ").pop());
  }
  return 0;
}

test("a deployment with nothing published yet: the SDK sees no update and the binary's bundle runs", async () => {
  await ready();
  assert.equal(await check(sdk(KEY_A, "dev-1"), { appVersion: "1.0.0" }), null);
  const r = await raw(`deployment_key=${KEY_A}&app_version=1.0.0&client_unique_id=dev-1`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json["update_info"], {
    app_version: "1.0.0", description: "", download_url: "", is_available: false, is_mandatory: false, label: "", package_hash: "",
    package_size: 0, should_run_binary_version: true, target_binary_range: "1.0.0", update_app_version: false,
  });
});

let first: RemotePackage | null = null;

test("an update is offered, downloads with Content-Length and unpacks to the package hash a device computes", async () => {
  await ready();
  const published = publish(APP_A, "ios", 1, ["--notes", "first \"CodePush\" release"]);
  await serverOffers(KEY_A, "r1");
  // The binary says "1.0": its runtime version is 1.0.0, and its own string is echoed back.
  const m = sdk(KEY_A, "dev-1", "1.0");
  const pkg = remote(await check(m, { appVersion: "1.0" }));
  assert.equal(pkg.label, "r1");
  assert.equal(pkg.appVersion, "1.0", "target_binary_range must be the device's own app version");
  assert.equal(pkg.isMandatory, false);
  assert.equal(pkg.description, 'first "CodePush" release');
  assert.equal(pkg.packageHash, published.codePushPackageHash);
  assert.equal(pkg.deploymentKey, KEY_A);
  assert.match(pkg.downloadUrl, new RegExp(`^${base}apps/${APP_A}/blobs/sha256/[0-9a-f]{64}$`));

  const download = await fetch(pkg.downloadUrl, { headers: { "Accept-Encoding": "identity" } });
  assert.equal(download.status, 200);
  assert.equal(download.headers.get("content-length"), String(pkg.packageSize));
  assert.equal(download.headers.get("content-type"), "application/zip");
  const zip = Buffer.from(await download.arrayBuffer());
  assert.equal(zip.length, pkg.packageSize);
  assert.equal(zip.readUInt32BE(0), 0x504b0304, "Android takes a download for a zip only by its first four bytes");

  const dir = resolve(work, "unpacked-r1");
  const names = await unzip(zip, dir);
  assert.deepEqual(names, ["CodePush/assets/img/logo.png", "CodePush/assets/img/logo@2x.png", "CodePush/main.jsbundle"]);
  assert.equal(readFileSync(resolve(dir, "CodePush/main.jsbundle"), "utf8"), `console.log("${APP_A} release 1");\n`);
  assert.equal(folderHash(dir), pkg.packageHash);
  first = pkg;
});

/** update_check over node:http, which lets a test name the Host header (fetch may not). */
function checkWithHost(host: string): Promise<{ status: number; body: string }> {
  const url = new URL(`${base}v0.1/public/codepush/update_check?deployment_key=${KEY_A}&app_version=1.0.0&client_unique_id=dev-host`);
  return new Promise((ok, fail) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { Host: host } }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk)).on("end", () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", fail).end();
  });
}

test("download URLs follow the Host each request names, and a Host that is no host name is refused", async () => {
  await ready();
  await serverOffers(KEY_A, "r1");
  // One Host after another, then the first again: the server remembers the last one it built
  for (const [host, prefix] of [["cdn.example", "http://cdn.example/"], ["edge.example:8443", "http://edge.example:8443/"], ["cdn.example", "http://cdn.example/"]] as const) {
    const answer = await checkWithHost(host);
    assert.equal(answer.status, 200, answer.body);
    const url = (JSON.parse(answer.body) as { update_info: { download_url: string } }).update_info.download_url;
    assert.ok(url.startsWith(`${prefix}apps/${APP_A}/blobs/sha256/`), `${host}: ${url}`);
  }
  const bad = await checkWithHost("bad_host!");
  assert.equal(bad.status, 400, bad.body);
});

test("a device on the newest release is up to date, by label or by package hash alone", async () => {
  await ready();
  assert.ok(first !== null);
  const m = sdk(KEY_A, "dev-2");
  assert.equal(await check(m, { appVersion: "1.0.0", label: "r1", packageHash: first.packageHash }), null);
  assert.equal(await check(m, { appVersion: "1.0.0", packageHash: first.packageHash }), null);
  // a label from the old CodePush service with our package's hash: still the same content
  assert.equal(await check(m, { appVersion: "1.0.0", label: "v17", packageHash: first.packageHash }), null);
});

test("a binary no release targets runs its own bundle; a newer store build is pointed at", async () => {
  await ready();
  const r = await raw(`deployment_key=${KEY_A}&app_version=2.0&client_unique_id=dev-3`);
  const info = r.json["update_info"] as Record<string, unknown>;
  assert.equal(info["is_available"], false);
  assert.equal(info["should_run_binary_version"], true);
  assert.equal(info["update_app_version"], false);
  assert.equal(await check(sdk(KEY_A, "dev-3", "2.0"), { appVersion: "2.0" }), null);
  // an older binary: the channel's releases are for 1.0.0, above it
  const old = await check(sdk(KEY_A, "dev-3", "0.9.0"), { appVersion: "0.9.0" });
  assert.deepEqual(old, { updateAppVersion: true, appVersion: "1.0.0" });
});

test("mandatory: a skipped mandatory release makes the newest one mandatory; past it, it is optional", async () => {
  await ready();
  assert.ok(first !== null);
  publish(APP_A, "ios", 2, ["--mandatory"]);
  await serverOffers(KEY_A, "r2");
  const onR1 = { appVersion: "1.0.0", label: "r1", packageHash: first.packageHash };
  const r2 = remote(await check(sdk(KEY_A, "dev-4"), onR1));
  assert.equal(r2.label, "r2");
  assert.equal(r2.isMandatory, true);

  // Under 100 %, so the index keeps r2 (a release that reaches everyone prunes the older ones).
  publish(APP_A, "ios", 3, ["--weight", "99"]);
  const device = Array.from({ length: 50 }, (_, i) => `dev-4-${i}`).find((id) => bucket("production/r3", id) < 9900)!;
  const deadline = Date.now() + 30_000;
  let fromR1 = remote(await check(sdk(KEY_A, device), onR1));
  while (fromR1.label !== "r3") {
    if (Date.now() > deadline) throw new Error(`the server did not offer r3:\n${serverLog().slice(-2000)}`);
    await new Promise((res) => setTimeout(res, 200));
    fromR1 = remote(await check(sdk(KEY_A, device), onR1));
  }
  assert.equal(fromR1.isMandatory, true, "r2 was mandatory and lies between r1 and r3");
  const fromR2 = remote(await check(sdk(KEY_A, device), { appVersion: "1.0.0", label: "r2", packageHash: r2.packageHash }));
  assert.equal(fromR2.label, "r3");
  assert.equal(fromR2.isMandatory, false);
  const fromEmbedded = remote(await check(sdk(KEY_A, device), { appVersion: "1.0.0" }));
  assert.equal(fromEmbedded.isMandatory, true);
});

test("a 30 % rollout reaches the devices the decision function buckets in, within the binomial bound", async () => {
  await ready();
  publish(APP_B, "android", 1, ["--weight", "30"]);
  const n = 2000;
  const weight = 3000;
  // Wait for the index by one device known to be in the rollout.
  const inside = Array.from({ length: n }, (_, i) => `device-${i}`).find((id) => bucket("production/r1", id) < weight)!;
  const deadline = Date.now() + 30_000;
  while ((await check(sdk(KEY_B, inside), { appVersion: "1.0.0" })) === null) {
    if (Date.now() > deadline) throw new Error(`the server did not offer ${APP_B} r1:\n${serverLog().slice(-2000)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  let offered = 0;
  let expected = 0;
  for (let i = 0; i < n; i++) {
    const id = `device-${i}`;
    const result = await check(sdk(KEY_B, id), { appVersion: "1.0.0" });
    const got = result !== null && "downloadUrl" in result;
    const inBucket = bucket("production/r1", id) < weight;
    assert.equal(got, inBucket, `${id}: the server and the client's decision function disagree`);
    if (got) offered++;
    if (inBucket) expected++;
  }
  assert.equal(offered, expected);
  // 2000 fixed ids: a share off by more than 4 standard deviations means the bucketing is biased.
  const p = weight / 10_000;
  const sd = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(offered - n * p) <= 4 * sd, `${offered} of ${n} offered; expected ${n * p} ± ${(4 * sd).toFixed(1)}`);
});

test("download and deploy reports are counted as downloaded, healthy and rolledBack (notMarkedHealthy)", async () => {
  await ready();
  assert.ok(first !== null);
  const labels = { app: APP_A, platform: "ios", channel: "production", release: "r1" };
  const before = {
    downloaded: await metric("kivyx_ota_device_events_total", { ...labels, type: "downloaded" }),
    healthy: await metric("kivyx_ota_device_events_total", { ...labels, type: "healthy" }),
    rolledBack: await metric("kivyx_ota_device_events_total", { ...labels, type: "rolledBack", reason: "notMarkedHealthy" }),
  };
  const m = sdk(KEY_A, "dev-5");
  await downloaded(m, first);
  await deployed(m, first, AcquisitionStatus.DeploymentSucceeded);
  await deployed(m, first, AcquisitionStatus.DeploymentFailed);
  await deployed(m, first, AcquisitionStatus.DeploymentFailed);
  await deployed(m, undefined, undefined); // the binary's own bundle running: accepted, counts nothing
  assert.equal(await metric("kivyx_ota_device_events_total", { ...labels, type: "downloaded" }), before.downloaded + 1);
  assert.equal(await metric("kivyx_ota_device_events_total", { ...labels, type: "healthy" }), before.healthy + 1);
  assert.equal(await metric("kivyx_ota_device_events_total", { ...labels, type: "rolledBack", reason: "notMarkedHealthy" }), before.rolledBack + 2);
  // a label the channel never had is counted under "other", not as a new series
  await deployed(m, { ...first, label: "made-up-label" }, AcquisitionStatus.DeploymentSucceeded);
  const text = await (await fetch(`${base}metrics`)).text();
  assert.ok(!text.includes("made-up-label"));
  assert.ok(await metric("kivyx_ota_device_events_total", { ...labels, release: "other", type: "healthy" }) >= 1);
});

test("a package that does not match its signed hash is never offered", async () => {
  await ready();
  assert.equal(await check(sdk(KEY_C, "dev-6"), { appVersion: "1.0.0" }), null);
  const r = await raw(`deployment_key=${KEY_C}&app_version=1.0.0&client_unique_id=dev-6`);
  assert.equal((r.json["update_info"] as Record<string, unknown>)["is_available"], false);
  assert.match(serverLog(), /CodePush package of release r1 .* does not match the size and SHA-256 its manifest signs/);
});

test("bad input is refused with a 4xx the SDK reports as an error", async () => {
  await ready();
  await assert.rejects(check(sdk("unknown-key-0000", "dev-7"), { appVersion: "1.0.0" }), /^Error: 404: .*unknown_deployment_key/);
  await assert.rejects(check(sdk(KEY_A, "dev-7", "one"), { appVersion: "one" }), /^Error: 400: .*semver/);
  const bad: Array<[string, number]> = [
    [`deployment_key=${KEY_A}&app_version=1.0.0`, 400], // no client_unique_id
    [`deployment_key=${KEY_A}&app_version=1.0.0&client_unique_id=a&client_unique_id=b`, 400],
    [`deployment_key=${KEY_A}&app_version=${"9".repeat(70)}&client_unique_id=a`, 400],
    [`deployment_key=${KEY_A}&app_version=1.0.0&client_unique_id=a%00b`, 400],
    [`deployment_key=${KEY_A}&app_version=1.0.0&client_unique_id=%zz`, 400],
    [`deployment_key=short&app_version=1.0.0&client_unique_id=a`, 400],
  ];
  for (const [query, status] of bad) assert.equal((await raw(query)).status, status, query);
  const post = (path: string, body: string, type = "application/json"): Promise<Response> =>
    fetch(`${base}v0.1/public/codepush/report_status/${path}`, { method: "POST", body, headers: { "Content-Type": type } });
  assert.equal((await post("deploy", `{"app_version":"1.0.0","deployment_key":"${KEY_A}","label":"r1","status":"Installed"}`)).status, 400);
  assert.equal((await post("deploy", `{"app_version":"1.0.0","deployment_key":"${KEY_A}","label":"r1"}`)).status, 400);
  assert.equal((await post("deploy", `{"deployment_key":"${KEY_A}"}`)).status, 400);
  assert.equal((await post("download", `{"deployment_key":"${KEY_A}","label":7}`)).status, 400);
  assert.equal((await post("download", `{"deployment_key":"unknown-key-0000","label":"r1"}`)).status, 404);
  assert.equal((await post("download", `{"deployment_key":"${KEY_A}","label":"r1","label":"r2"}`)).status, 400);
  assert.equal((await post("download", "[1,2")).status, 400);
  assert.equal((await post("download", `{"deployment_key":"${KEY_A}","label":"r1"}`, "application/xml")).status, 415);
  assert.equal((await post("download", `{"deployment_key":"${KEY_A}","label":"${"x".repeat(5000)}"}`)).status, 413);
  assert.equal((await fetch(`${base}v0.1/public/codepush/update_check`, { method: "POST" })).status, 405);
  assert.equal((await fetch(`${base}v0.1/public/codepush/nothing`)).status, 404);
});

test("a signed package carries a JWT over its package hash that the pinned public key verifies", async () => {
  await ready();
  publish(APP_D, "ios", 1, ["--codepush-signing-key", resolve(work, "signing.pem")]);
  await serverOffers(KEY_D, "r1");
  const pkg = remote(await check(sdk(KEY_D, "dev-8"), { appVersion: "1.0.0" }));
  const zip = Buffer.from(await (await fetch(pkg.downloadUrl)).arrayBuffer());
  const dir = resolve(work, "unpacked-d");
  const names = await unzip(zip, dir);
  assert.ok(names.includes("CodePush/.codepushrelease"));
  // CodePushUpdateUtils.verifyUpdateSignature: the JWT verifies, its contentHash is the folder's hash
  const jwt = readFileSync(resolve(dir, "CodePush/.codepushrelease"), "ascii");
  const [header, claims, signature] = jwt.split(".");
  assert.ok(header !== undefined && claims !== undefined && signature !== undefined);
  assert.deepEqual(JSON.parse(Buffer.from(header, "base64url").toString("utf8")), { alg: "RS256", typ: "JWT" });
  const data = Buffer.from(`${header}.${claims}`, "ascii");
  assert.ok(verify("RSA-SHA256", data, signing.publicKey, Buffer.from(signature, "base64url")));
  assert.ok(!verify("RSA-SHA256", data, generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey, Buffer.from(signature, "base64url")));
  const contentHash = (JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) as { contentHash: string }).contentHash;
  assert.equal(contentHash, pkg.packageHash);
  assert.equal(folderHash(dir), pkg.packageHash);
});

test("deployment keys appear in no log line and no metric", async () => {
  await ready();
  const metrics = await (await fetch(`${base}metrics`)).text();
  for (const key of [KEY_A, KEY_B, KEY_C, KEY_D]) {
    assert.ok(!serverLog().includes(key), "a deployment key is in the server log");
    assert.ok(!metrics.includes(key), "a deployment key is in the metrics");
  }
});

test("status reports are rate limited per address like /v1/events", async () => {
  await ready();
  assert.ok(first !== null);
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) {
    const r = await fetch(`${base}v0.1/public/codepush/report_status/download`, {
      method: "POST",
      body: JSON.stringify({ client_unique_id: "flood", deployment_key: KEY_A, label: "r1" }),
      headers: { "Content-Type": "application/json" },
    });
    statuses.push(r.status);
    if (r.status === 429) assert.equal(r.headers.get("retry-after"), "1");
  }
  assert.ok(statuses.includes(429), `40 reports in a burst were all accepted: ${statuses.join(",")}`);
  assert.ok(statuses.every((s) => s === 200 || s === 429), statuses.join(","));
});
