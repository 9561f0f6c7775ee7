/**
 * End to end against the real Java side: `kivyx-ota publish` into a directory store,
 * `kivyx-ota serve` in front of it, and this client over real HTTP with the Node ports, in
 * static mode (the server root standing in for a CDN) and dynamic mode (/update).
 * The jar comes from $KIVYX_OTA_JAR (default ../cli/target/kivyx-ota.jar); a jar without
 * `serve` fails these tests with a clear message rather than skipping them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { after, describe, test } from "node:test";
import { sha256Hex } from "../../src/bytes.js";
import { CheckResult, OtaClient, OtaClientOptions, createOtaClient } from "../../src/client.js";
import { nodePorts } from "../../src/node.js";
import { startServe, type RunningServer } from "../serve.js";
import { EVENT_REASONS, Telemetry } from "../../src/telemetry.js";
import { jarPath, runJar } from "../jar.js";
import { requireShared } from "../paths.js";

const work = mkdtempSync(resolve(tmpdir(), "kivyx-e2e-"));
const store = resolve(work, "store");
const keys = resolve(work, "keys");
let server: RunningServer | null = null;
/** What the server printed so far. */
const serverLog = (): string => server?.log() ?? "";
let base = "";
let pubHex = "";
let otherPubHex = "";
let caseNo = 0;

function requireServe(): void {
  const jar = jarPath();
  const r = spawnSync("java", ["-jar", jar, "serve", "--help"], { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0 || !/Usage: kivyx-ota serve/.test(r.stdout)) {
    throw new Error(
      `the jar ${jar} has no working 'serve' command (exit ${r.status}: ${(r.stderr || r.stdout).split("\n")[0]}). ` +
        "The end-to-end tests need the manifest server: build a jar that has it, or point KIVYX_OTA_JAR at one.",
    );
  }
}

let setup: Promise<void> | null = null;

/** Starts everything once; every test awaits it, so a missing `serve` fails each test with its reason. */
function ready(): Promise<void> {
  setup ??= start();
  return setup;
}

async function start(): Promise<void> {
  requireServe();
  mkdirSync(store, { recursive: true });
  pubHex = JSON.parse(runJar(["keys", "generate", "--name", "test-v1", "--out", keys]).trim().split("\n").pop()!).publicKeyHex;
  otherPubHex = JSON.parse(
    runJar(["keys", "generate", "--name", "test-v1", "--out", resolve(work, "other")]).trim().split("\n").pop()!,
  ).publicKeyHex;
  server = await startServe(["--store", store, "--pubkey", resolve(keys, "test-v1.pub.pem")]);
  base = server.base;
}

test("the jar under test has a 'serve' command and the server gets ready", async () => {
  await ready();
});

test("the server counts every reason code the client sends as itself, not as 'other'", async () => {
  await ready();
  const app = "com.kivyx.e2e.reasons";
  const r1 = publish(app, 1, CORPUS("v1.min.js"));
  await serverSees(app, r1.indexVersion);
  const ports = nodePorts({ dir: resolve(work, "reasons-device") });
  const telemetry = new Telemetry(`${base}v1/events`, ports.http, ports.storage, () => Date.now());
  for (const reason of EVENT_REASONS) {
    await telemetry.record({
      type: "rolledBack", appId: app, platform: "android", channel: "production", releaseId: r1.releaseId,
      deviceId: `device-${reason}`, time: new Date().toISOString(), reason, detail: `free text ${reason}`,
    });
  }
  await telemetry.flush();
  assert.equal(await telemetry.pending(), 0, `events not accepted by the server:\n${serverLog().slice(-1500)}`);
  const metrics = await (await fetch(`${base}metrics`)).text();
  for (const reason of EVENT_REASONS) {
    const series = `kivyx_ota_device_events_total{app="${app}",channel="production",platform="android",reason="${reason}",release="${r1.releaseId}",type="rolledBack"} 1.0`;
    assert.ok(metrics.includes(series), `missing ${series}`);
  }
  assert.ok(!metrics.includes("free text"), "detail must never be a label");
});

after(() => {
  server?.stop();
  rmSync(work, { recursive: true, force: true });
});

const CORPUS = (name: string): string => resolve(requireShared("corpus"), name);

function publish(app: string, version: number, bundle: string, extra: string[] = []): { releaseId: string; manifest: string; indexVersion: number } {
  const out = runJar([
    "publish", "--store", store, "--key", resolve(keys, "test-v1.key.pem"), "--app", app, "--platform", "android",
    "--channel", "production", "--version", `1.0.${version}`, "--version-code", String(version),
    "--runtime-version", "1.0.0", "--bundle", bundle, ...extra,
  ]);
  return JSON.parse(out.trim().split("\n").pop()!) as { releaseId: string; manifest: string; indexVersion: number };
}

function revoke(app: string, releaseId: string): void {
  runJar([
    "rollout", "--store", store, "--key", resolve(keys, "test-v1.key.pem"), "--app", app, "--platform", "android",
    "--channel", "production", "--release", releaseId, "--revoke",
  ]);
}

/** Waits until the server's /update answer is built from an index of at least `version`. */
async function serverSees(app: string, version: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`${base}v1/apps/${app}/android/channels/production/index`);
      if (r.status === 200) {
        const body = new Uint8Array(await r.arrayBuffer());
        const text = new TextDecoder("utf-8", { fatal: false }).decode(body);
        const m = /"version":(\d+)/.exec(text);
        if (m !== null && Number(m[1]) >= version) return;
      }
    } catch {
      // a connection closed while the CLI ran: try again
    }
    if (Date.now() > deadline) throw new Error(`the server did not pick up index version ${version} of ${app}:\n${serverLog().slice(-2000)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

type Mode = "static" | "dynamic";

/**
 * A man in the middle between a device and the real server: forwards every request, and
 * lets a test rewrite what comes back (tampering in transit, replaying an old index).
 */
async function proxy(rewrite: (path: string, body: Buffer) => Buffer): Promise<{ url: string; close: () => void }> {
  const http = await import("node:http");
  const srv = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === "string" && k !== "host" && k !== "if-none-match") headers[k] = v;
      }
      const init: RequestInit = { method: req.method ?? "GET", headers };
      if (chunks.length > 0) init.body = Buffer.concat(chunks);
      const upstream = await fetch(base + (req.url ?? "/").slice(1), init);
      const body = rewrite((req.url ?? "/").split("?")[0]!, Buffer.from(await upstream.arrayBuffer()));
      res.statusCode = upstream.status;
      const type = upstream.headers.get("content-type");
      if (type !== null) res.setHeader("content-type", type);
      res.end(body);
    })().catch(() => {
      res.statusCode = 502;
      res.end();
    });
  });
  await new Promise<void>((ok) => srv.listen(0, "127.0.0.1", () => ok()));
  const addr = srv.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}/`, close: () => srv.close() };
}

function device(
  mode: Mode,
  app: string,
  opts: { key?: string; kid?: string; now?: () => number; health?: OtaClientOptions["health"]; via?: string } = {},
) {
  const dir = resolve(work, `device-${++caseNo}`);
  const restarts = { count: 0 };
  const ports = nodePorts({ dir, onRestart: () => restarts.count++, ...(opts.now ? { now: opts.now } : {}) });
  const options: OtaClientOptions = {
    appId: app,
    platform: "android",
    channel: "production",
    runtimeVersion: "1.0.0",
    deviceId: `device-${caseNo}`,
    ...(mode === "static" ? { cdnBase: opts.via ?? base } : { serverUrl: opts.via ?? base }),
    publicKeys: { [opts.kid ?? "test-v1"]: { rawPubHex: opts.key ?? pubHex } },
    health: opts.health ?? { maxLaunches: 2, timeoutMs: 600_000 },
    ports,
  };
  return { ports, restarts, client: (): OtaClient => createOtaClient(options), dir };
}

async function launchHealthy(client: () => OtaClient): Promise<void> {
  const c = client();
  await c.ensureHealthyOrRollback();
  await c.markHealthy();
}

function blobPath(app: string, sha: string): string {
  return resolve(store, "apps", app, "blobs", "sha256", sha);
}

function assertFailed(r: CheckResult, pattern: RegExp): void {
  assert.equal(r.status, "failed", `expected a failure, got ${JSON.stringify(r)}`);
  assert.match(r.error ?? "", pattern);
}

for (const mode of ["static", "dynamic"] as const) {
  describe(`e2e ${mode}`, () => {
    test("first update, then a delta update", async () => {
      await ready();
      const app = `com.kivyx.e2e.${mode}.delta`;
      const r1 = publish(app, 1, CORPUS("v1.hbc"));
      await serverSees(app, r1.indexVersion);
      const d = device(mode, app);
      const first = await d.client().checkAndApply();
      assert.equal(first.status, "updated", first.error);
      assert.equal(first.usedDelta, false);
      assert.equal(sha256Hex(readFileSync((await d.ports.bundle.activeBundlePath())!)), sha256Hex(readFileSync(CORPUS("v1.hbc"))));
      await launchHealthy(d.client);
      const r2 = publish(app, 2, CORPUS("v2.hbc"));
      await serverSees(app, r2.indexVersion);
      const second = await d.client().checkAndApply();
      assert.equal(second.status, "updated", second.error);
      assert.equal(second.usedDelta, true, second.deltaError);
      assert.ok((second.bytes ?? 0) < 100_000, `delta update downloaded ${second.bytes} bytes`);
      const active = (await d.ports.bundle.activeBundlePath())!;
      assert.ok(readFileSync(active).equals(readFileSync(CORPUS("v2.hbc"))));
      const c = d.client();
      assert.equal((await c.ensureHealthyOrRollback()).status, "trial");
      await c.markHealthy();
      assert.equal((await d.client().checkAndApply()).status, "upToDate");
      if (mode === "dynamic") {
        await c.flushEvents();
        assert.equal(await c.pendingEvents(), 0, `events not accepted by the server:\n${serverLog().slice(-1500)}`);
      }
    });

    test("tampered blob and oversized blob are refused", async () => {
      await ready();
      const app = `com.kivyx.e2e.${mode}.blob`;
      const bundle = CORPUS("v1.min.js");
      const r1 = publish(app, 1, bundle);
      await serverSees(app, r1.indexVersion);
      const path = blobPath(app, sha256Hex(readFileSync(bundle)));
      const original = readFileSync(path);
      const tampered = Buffer.from(original);
      tampered[1000] = tampered[1000]! ^ 0xff;
      writeFileSync(path, tampered);
      const d = device(mode, app);
      assertFailed(await d.client().checkAndApply(), /SHA-256/);
      assert.equal(await d.ports.bundle.activeBundlePath(), null);
      writeFileSync(path, original);
      appendFileSync(path, Buffer.alloc(4096, 0x20));
      assertFailed(await d.client().checkAndApply(), /larger than its signed size|SHA-256/);
      assert.equal(await d.ports.bundle.activeBundlePath(), null);
      writeFileSync(path, original);
      assert.equal((await d.client().checkAndApply()).status, "updated");
    });

    test("tampered manifest is refused", async () => {
      await ready();
      const app = `com.kivyx.e2e.${mode}.manifest`;
      const r1 = publish(app, 1, CORPUS("v1.min.js"));
      await serverSees(app, r1.indexVersion);
      // Tampered in transit: the server keeps what it verified, so the change is made on the wire.
      const flip = (b: Buffer): Buffer => {
        const out = Buffer.from(b);
        out[out.length - 100] = out[out.length - 100]! ^ 0x01;
        return out;
      };
      const mitm = await proxy((path, body) => {
        if (mode === "static" && path === `/${r1.manifest}`) return flip(body);
        if (mode === "dynamic" && path.endsWith("/update")) {
          const answer = JSON.parse(body.toString("utf8")) as { manifest?: string };
          if (answer.manifest !== undefined) answer.manifest = flip(Buffer.from(answer.manifest, "base64")).toString("base64");
          return Buffer.from(JSON.stringify(answer));
        }
        return body;
      });
      try {
        const d = device(mode, app, { via: mitm.url });
        assertFailed(await d.client().checkAndApply(), /manifest/);
        assert.equal(await d.ports.bundle.activeBundlePath(), null);
      } finally {
        mitm.close();
      }
    });

    test("wrong key and unknown kid are refused", async () => {
      await ready();
      const app = `com.kivyx.e2e.${mode}.keys`;
      const r1 = publish(app, 1, CORPUS("v1.min.js"));
      await serverSees(app, r1.indexVersion);
      assertFailed(await device(mode, app, { key: otherPubHex }).client().checkAndApply(), /BAD_SIGNATURE/);
      assertFailed(await device(mode, app, { kid: "alias/other" }).client().checkAndApply(), /UNKNOWN_KID/);
    });

    test("an expired index is refused (device clock past expiresAt)", async () => {
      await ready();
      const app = `com.kivyx.e2e.${mode}.expired`;
      const r1 = publish(app, 1, CORPUS("v1.min.js"), ["--index-ttl", "1h"]);
      await serverSees(app, r1.indexVersion);
      const d = device(mode, app, { now: () => Date.now() + 2 * 3600_000 });
      assertFailed(await d.client().checkAndApply(), /expired/);
    });

    test("crash loop rolls back and the release is not retried", async () => {
      await ready();
      const app = `com.kivyx.e2e.${mode}.crash`;
      const r1 = publish(app, 1, CORPUS("v1.min.js"));
      await serverSees(app, r1.indexVersion);
      const d = device(mode, app);
      assert.equal((await d.client().checkAndApply()).status, "updated");
      assert.equal((await d.client().ensureHealthyOrRollback()).status, "trial");
      assert.equal((await d.client().ensureHealthyOrRollback()).status, "trial");
      const c = d.client();
      const rb = await c.ensureHealthyOrRollback();
      assert.equal(rb.status, "rolledBack");
      assert.equal(rb.releaseId, r1.releaseId);
      assert.equal(await d.ports.bundle.activeBundlePath(), null);
      assert.equal(d.restarts.count, 1);
      const again = await d.client().checkAndApply();
      assert.equal(again.status, "upToDate");
      assert.equal(await d.ports.bundle.activeBundlePath(), null);
      if (mode === "dynamic") {
        await c.flushEvents();
        assert.equal(await c.pendingEvents(), 0, `events not accepted by the server:\n${serverLog().slice(-1500)}`);
      }
    });

    test("mandatory update, then a revocation brings the device back down", async () => {
      await ready();
      const app = `com.kivyx.e2e.${mode}.revoke`;
      const r1 = publish(app, 1, CORPUS("v1.min.js"));
      await serverSees(app, r1.indexVersion);
      const d = device(mode, app);
      assert.equal((await d.client().checkAndApply()).releaseId, r1.releaseId);
      await launchHealthy(d.client);
      const r2 = publish(app, 2, CORPUS("v2.min.js"), ["--mandatory"]);
      await serverSees(app, r2.indexVersion);
      const up = await d.client().checkAndApply();
      assert.equal(up.status, "updated", up.error);
      assert.equal(up.releaseId, r2.releaseId);
      assert.equal(up.mandatory, true);
      await launchHealthy(d.client);
      revoke(app, r2.releaseId);
      await serverSees(app, r2.indexVersion + 1);
      // A full-weight publish takes the older release off the channel, so revoking the newer
      // one leaves no release: the device must go back to its embedded bundle, mandatorily.
      const down = await d.client().checkAndApply();
      assert.equal(down.status, "rolledBack", JSON.stringify(down));
      assert.equal(down.mandatory, true);
      assert.equal(await d.ports.bundle.activeBundlePath(), null);
      await d.client().ensureHealthyOrRollback();
      assert.equal((await d.client().loadState()).currentReleaseId, null);
      assert.equal((await d.client().checkAndApply()).status, "upToDate");
    });
  });
}

for (const mode of ["static", "dynamic"] as const) {
  test(`e2e ${mode}: a replayed older index is refused`, async () => {
    await ready();
    const app = `com.kivyx.e2e.${mode}.replay`;
    const r1 = publish(app, 1, CORPUS("v1.min.js"));
    await serverSees(app, r1.indexVersion);
    const oldIndex = readFileSync(resolve(store, "apps", app, "android", "production", "index.cose"));
    const r2 = publish(app, 2, CORPUS("v2.min.js"));
    await serverSees(app, r2.indexVersion);
    let replay = false;
    // The real server never serves an older index; an attacker (or a stale cache) in between would.
    const mitm = await proxy((path, body) => {
      if (!replay) return body;
      if (mode === "static" && path.endsWith("/index.cose")) return oldIndex;
      if (mode === "dynamic" && path.endsWith("/update")) {
        const answer = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
        return Buffer.from(JSON.stringify({ ...answer, index: oldIndex.toString("base64") }));
      }
      return body;
    });
    try {
      const d = device(mode, app, { via: mitm.url });
      const up = await d.client().checkAndApply();
      assert.equal(up.status, "updated", up.error);
      replay = true;
      assertFailed(await d.client().checkAndApply(), /older than version/);
    } finally {
      mitm.close();
    }
  });
}
