// Reads what the Hermes entries need into one object: golden vectors, public vectors, the
// bundle corpus and kvxd1 patches made by the Java encoder (cached under .hermes/patches,
// keyed by both files' SHA-256, so a rerun does not start Java again).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PACKAGE_DIR, WORK_DIR } from "./build.mjs";

const REPO_DIR = resolve(PACKAGE_DIR, "..");
const SHARED_DIR = process.env.KIVYX_SHARED_DIR ?? resolve(REPO_DIR, "..", "shared");
const VECTORS_DIR = join(REPO_DIR, "testdata", "vectors");

function shared(sub) {
  const p = join(SHARED_DIR, sub);
  if (!existsSync(p)) {
    throw new Error(`missing ${p}: the shared test data must sit beside the repository (or set KIVYX_SHARED_DIR)`);
  }
  return p;
}

function jar() {
  const p = resolve(PACKAGE_DIR, process.env.KIVYX_OTA_JAR ?? "../cli/target/kivyx-ota.jar");
  if (!existsSync(p)) {
    throw new Error(
      `the kivyx-ota jar is missing at ${p}: build it first with './mvnw -B -q -DskipTests package' at the repository root, or set KIVYX_OTA_JAR`,
    );
  }
  return p;
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const json = (path) => JSON.parse(readFileSync(path, "utf8"));

/** The kvxd1 patch from `from` to `to` (corpus names), made by `kivyx-ota delta create`. */
function patch(corpus, from, to) {
  const dir = join(WORK_DIR, "patches");
  mkdirSync(dir, { recursive: true });
  const oldPath = join(corpus, from);
  const newPath = join(corpus, to);
  const out = join(dir, `${sha256(readFileSync(oldPath)).slice(0, 16)}-${sha256(readFileSync(newPath)).slice(0, 16)}.kvxd1`);
  if (!existsSync(out)) {
    execFileSync("java", ["-jar", jar(), "delta", "create", oldPath, newPath, out], { stdio: ["ignore", "ignore", "inherit"] });
  }
  return readFileSync(out);
}

/** The same pairs as test/unit/delta.test.ts. */
export const PAIRS = ["min.js", "hbc", "bb.hbc"].flatMap((ext) => [
  [`v1.${ext}`, `v2.${ext}`],
  [`v2.${ext}`, `v3.${ext}`],
]);

export function loadInputs({ pairs = PAIRS, withVectors = true } = {}) {
  const corpus = shared("corpus");
  const names = [...new Set(pairs.flat())].sort();
  const files = Object.fromEntries(names.map((n) => [n, readFileSync(join(corpus, n))]));
  const input = {
    corpus: Object.fromEntries(names.map((n) => [n, files[n].toString("base64")])),
    corpusSha256: Object.fromEntries(names.map((n) => [n, sha256(files[n])])),
    pairs: pairs.map(([from, to]) => ({ from, to, patch: patch(corpus, from, to).toString("base64") })),
  };
  if (!withVectors) return input;
  const coseDir = join(shared("vectors"), "cose-wg");
  return {
    ...input,
    documents: json(join(VECTORS_DIR, "documents.json")),
    decisions: json(join(VECTORS_DIR, "decisions.json")),
    transparency: json(join(VECTORS_DIR, "transparency.json")),
    keysets: json(join(VECTORS_DIR, "keysets.json")),
    lifecycle: existsSync(join(VECTORS_DIR, "lifecycle.json")) ? json(join(VECTORS_DIR, "lifecycle.json")) : null,
    wycheproof: json(join(shared("vectors"), "wycheproof", "ecdsa_secp256r1_sha256_p1363_test.json")),
    coseWg: Object.fromEntries(
      readdirSync(coseDir)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => [f, json(join(coseDir, f)).output.cbor]),
    ),
  };
}
