/**
 * Key rotation end to end: `kivyx-ota keys …` and `publish` into a directory store,
 * `kivyx-ota serve --trust-root` in front of it, and devices that pin only the first root key,
 * in static mode (the server root as CDN) and dynamic mode (/update). Devices keep updating
 * across a signing key rotation, a revocation (live manifests re-signed) and a root rotation;
 * one that missed every key set catches up; documents signed by the revoked key are refused.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { after, describe, test } from "node:test";
import { CheckResult, OtaClient, OtaClientOptions, createOtaClient } from "../../src/client.js";
import { nodePorts } from "../../src/node.js";
import { runJar } from "../jar.js";
import { requireShared } from "../paths.js";
import { startServe, type RunningServer } from "../serve.js";

const work = mkdtempSync(resolve(tmpdir(), "kivyx-keys-e2e-"));
const store = resolve(work, "store");
const keys = resolve(work, "keys");
let server: RunningServer | null = null;
let rootV1Hex = "";
let caseNo = 0;

const key = (name: string): string => resolve(keys, `${name}.key.pem`);
const pub = (name: string): string => resolve(keys, `${name}.pub.pem`);
const CORPUS = (name: string): string => resolve(requireShared("corpus"), name);

let setup: Promise<void> | null = null;

function ready(): Promise<void> {
  setup ??= (async () => {
    mkdirSync(store, { recursive: true });
    for (const name of ["root-v1", "root-v2", "prod-v1", "prod-v2", "prod-v3"]) {
      const printed = JSON.parse(runJar(["keys", "generate", "--name", name, "--out", keys]).trim().split("\n").pop()!) as { publicKeyHex: string };
      if (name === "root-v1") rootV1Hex = printed.publicKeyHex;
    }
    server = await startServe(["--store", store, "--trust-root", pub("root-v1")]);
  })();
  return setup;
}

after(() => {
  server?.stop();
  rmSync(work, { recursive: true, force: true });
});

function keysCli(app: string, args: string[]): void {
  runJar(["keys", ...args, "--store", store, "--app", app]);
}

function publish(app: string, version: number, signer: string, trust: string[] = []): { releaseId: string; indexVersion: number } {
  const out = runJar([
    "publish", "--store", store, "--key", key(signer), "--app", app, "--platform", "android", "--channel", "production",
    "--version", `1.0.${version}`, "--version-code", String(version), "--runtime-version", "1.0.0",
    "--bundle", CORPUS(`v${version}.min.js`), ...trust.flatMap((t) => ["--trust-pubkey", pub(t)]),
  ]);
  return JSON.parse(out.trim().split("\n").pop()!) as { releaseId: string; indexVersion: number };
}

/** Waits until the server answers /index with at least `version`: it verified it against the app's key set. */
async function serverSees(app: string, version: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`${server!.base}v1/apps/${app}/android/channels/production/index`);
      if (r.status === 200) {
        const m = /"version":(\d+)/.exec(Buffer.from(await r.arrayBuffer()).toString("latin1"));
        if (m !== null && Number(m[1]) >= version) return;
      }
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not serve index version ${version} of ${app}:\n${server!.log().slice(-2000)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

type Mode = "static" | "dynamic";

function device(mode: Mode, app: string, via?: string, existingDir?: string) {
  ++caseNo;
  const dir = existingDir ?? resolve(work, `device-${caseNo}`);
  const ports = nodePorts({ dir, onRestart: () => undefined });
  const base = via ?? server!.base;
  const options: OtaClientOptions = {
    appId: app,
    platform: "android",
    channel: "production",
    runtimeVersion: "1.0.0",
    deviceId: `device-${caseNo}`,
    ...(mode === "static" ? { cdnBase: base } : { serverUrl: base }),
    rootKeys: { "root-v1": { rawPubHex: rootV1Hex } },
    health: { maxLaunches: 2, timeoutMs: 600_000 },
    ports,
  };
  return { dir, client: (): OtaClient => createOtaClient(options) };
}

async function update(client: () => OtaClient, releaseId: string): Promise<void> {
  const r: CheckResult = await client().checkAndApply();
  assert.equal(r.status, "updated", `${r.error ?? ""}\n${server!.log().slice(-1500)}`);
  assert.equal(r.releaseId, releaseId);
  const c = client();
  await c.ensureHealthyOrRollback();
  await c.markHealthy();
}

/** Forwards to the real server, answering `path` with `body` instead (an attacker in the middle). */
async function proxy(replace: Record<string, Buffer>): Promise<{ url: string; close: () => void }> {
  const http = await import("node:http");
  const srv = http.createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "/").split("?")[0]!;
      const forged = replace[path];
      if (forged !== undefined) {
        res.end(forged);
        return;
      }
      const upstream = await fetch(server!.base + (req.url ?? "/").slice(1));
      res.statusCode = upstream.status;
      res.end(Buffer.from(await upstream.arrayBuffer()));
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

for (const mode of ["static", "dynamic"] as const) {
  describe(`key rotation e2e ${mode}`, () => {
    test("devices keep updating across rotation, revocation and a root rotation; a device that missed every key set catches up", async () => {
      await ready();
      const app = `com.kivyx.e2e.keys.${mode}`;
      const indexPath = resolve(store, "apps", app, "android", "production", "index.cose");
      keysCli(app, ["root", "init", "--root-key", key("root-v1"), "--signing-pubkey", pub("prod-v1")]);
      const r1 = publish(app, 1, "prod-v1");
      await serverSees(app, r1.indexVersion);
      const a = device(mode, app);
      const b = device(mode, app);
      await update(a.client, r1.releaseId);
      await update(b.client, r1.releaseId);
      assert.equal((await a.client().loadState()).keySetVersion, 1);
      const signedByV1 = readFileSync(indexPath);

      // Rotation: prod-v2 joins; the next release and index are signed with it, r1's manifest still by prod-v1.
      keysCli(app, ["rotate", "--root-key", key("root-v1"), "--new-pubkey", pub("prod-v2")]);
      const r2 = publish(app, 2, "prod-v2", ["prod-v1"]);
      await serverSees(app, r2.indexVersion);
      await update(a.client, r2.releaseId);
      assert.equal((await a.client().loadState()).keySetVersion, 2);

      // Revocation of prod-v1 (live manifests re-signed with prod-v2), then a root rotation, then a third signing key.
      keysCli(app, ["revoke", "--root-key", key("root-v1"), "--kid", "prod-v1", "--resign-key", key("prod-v2"), "--resign-channel", "android/production"]);
      keysCli(app, ["root", "rotate-root", "--root-key", key("root-v1"), "--new-root-pubkey", pub("root-v2")]);
      keysCli(app, ["rotate", "--root-key", key("root-v2"), "--trust-root", pub("root-v1"), "--new-pubkey", pub("prod-v3")]);
      const r3 = publish(app, 3, "prod-v3", ["prod-v2"]);
      await serverSees(app, r3.indexVersion);

      await update(a.client, r3.releaseId);
      assert.equal((await a.client().loadState()).keySetVersion, 5);
      // b saw only key set 1 and r1: it walks 2..4 (the root changed at 4) to 5 and updates.
      await update(b.client, r3.releaseId);
      assert.equal((await b.client().loadState()).keySetVersion, 5);

      // A fresh install pinning root-v1 only gets there too.
      const c = device(mode, app);
      await update(c.client, r3.releaseId);

      if (mode === "static") {
        // The attack: an index signed by the revoked key, at a higher version, served in the middle.
        const attacker = resolve(work, `attacker-${mode}`);
        cpSync(store, attacker, { recursive: true });
        runJar([
          "rollout", "--store", attacker, "--key", key("prod-v1"), "--trust-pubkey", pub("prod-v3"), "--app", app, "--platform", "android",
          "--channel", "production", "--resign",
        ]);
        const forged = readFileSync(resolve(attacker, "apps", app, "android", "production", "index.cose"));
        const mitm = await proxy({ [`/apps/${app}/android/production/index.cose`]: forged });
        try {
          const victim = device(mode, app, mitm.url);
          const r = await victim.client().checkAndApply();
          assert.equal(r.status, "failed", JSON.stringify(r));
          assert.match(r.error ?? "", /UNKNOWN_KID.*prod-v1/);
          // Replaying the index prod-v1 signed before the revocation is refused the same way.
          const replay = await proxy({ [`/apps/${app}/android/production/index.cose`]: signedByV1 });
          try {
            const r2x = await device(mode, app, replay.url).client().checkAndApply();
            assert.equal(r2x.status, "failed");
            assert.match(r2x.error ?? "", /UNKNOWN_KID.*prod-v1/);
          } finally {
            replay.close();
          }
          // Withholding the new key sets (serving version 1 again) to a device that has 5: refused, never a way back to prod-v1.
          const v1 = readFileSync(resolve(store, "apps", app, "keys", "1.cose"));
          const withheld = await proxy({ [`/apps/${app}/keys.cose`]: v1 });
          try {
            const r3x = await device(mode, app, withheld.url, a.dir).client().checkAndApply();
            assert.equal(r3x.status, "failed", JSON.stringify(r3x));
            assert.match(r3x.error ?? "", /NOT_ROOT_SIGNED/);
            assert.equal((await device(mode, app, undefined, a.dir).client().loadState()).keySetVersion, 5);
          } finally {
            withheld.close();
          }
        } finally {
          mitm.close();
        }
      }
    });
  });
}
