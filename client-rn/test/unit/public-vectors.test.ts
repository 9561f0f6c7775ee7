/** Our verifier against third-party vectors in ../shared/vectors, as the Java PublicVectorsTest reads them. */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { equalBytes, fromHex } from "../../src/bytes.js";
import { CborItem, decodeCbor } from "../../src/cbor.js";
import { CoseVerifier, P256_N, toBeSigned, verifyEs256 } from "../../src/cose.js";
import { CoseRejectedError, RejectReason } from "../../src/errors.js";
import { VECTORS_DIR, requireShared } from "../paths.js";

const HALF_N = P256_N >> 1n;

function expectReason(fn: () => void, reason: RejectReason, label: string): void {
  assert.throws(fn, (e: unknown) => {
    if (!(e instanceof CoseRejectedError)) assert.fail(`${label}: ${String(e)}`);
    assert.equal(e.reason, reason, label);
    return true;
  });
}

function bigOf(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

interface WycheproofFile {
  numberOfTests: number;
  testGroups: {
    publicKey: { uncompressed: string };
    tests: { tcId: number; comment: string; msg: string; sig: string; result: string }[];
  }[];
}

test("Wycheproof ECDSA P-256 SHA-256 P1363: profile and reference agreement", () => {
  const file = resolve(requireShared("vectors"), "wycheproof", "ecdsa_secp256r1_sha256_p1363_test.json");
  const root = JSON.parse(readFileSync(file, "utf8")) as WycheproofFile;
  let accepted = 0;
  let highS = 0;
  let refused = 0;
  for (const group of root.testGroups) {
    const key = fromHex(group.publicKey.uncompressed);
    for (const t of group.tests) {
      const msg = fromHex(t.msg);
      const sig = fromHex(t.sig);
      const label = `tcId ${t.tcId} (${t.comment})`;
      if (t.result === "valid") {
        verifyEs256(key, msg, sig, "notRequired");
        const isHigh = bigOf(sig.subarray(32, 64)) > HALF_N;
        if (isHigh) {
          expectReason(() => verifyEs256(key, msg, sig, "required"), "HIGH_S", label);
          highS++;
        } else {
          verifyEs256(key, msg, sig, "required");
          accepted++;
        }
      } else {
        assert.equal(t.result, "invalid", label);
        const reason: RejectReason = sig.length !== 64 ? "BAD_SIGNATURE_LENGTH" : "BAD_SIGNATURE";
        expectReason(() => verifyEs256(key, msg, sig, "notRequired"), reason, label);
        assert.throws(() => verifyEs256(key, msg, sig, "required"), CoseRejectedError, label);
        refused++;
      }
    }
  }
  assert.equal(accepted + highS + refused, root.numberOfTests);
  assert.ok(accepted > 0 && highS > 0 && refused > 0);
  console.log(`wycheproof: ${accepted} accepted, ${highS} high-S refused, ${refused} invalid refused`);
});

interface Jwk {
  crv?: string;
  x?: string;
  y?: string;
}
interface CoseWgVector {
  fail?: boolean;
  input: Record<string, unknown>;
  intermediates: { ToBeSign_hex: string };
  output: { cbor: string };
}

function coseWgFiles(): string[] {
  const dir = resolve(requireShared("vectors"), "cose-wg");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => resolve(dir, f));
}

function signerKey(v: CoseWgVector): Jwk | null {
  const input = v.input as Record<string, Record<string, unknown>>;
  const sign0 = (input["sign0"] ?? input["sign"] ?? {}) as Record<string, unknown>;
  if (sign0["key"] !== undefined) return sign0["key"] as Jwk;
  const signers = sign0["signers"] as { key?: Jwk }[] | undefined;
  return signers?.[0]?.key ?? null;
}

/** Finds a field anywhere in the input tree (Jackson's findValue). */
function findValue(node: unknown, name: string): unknown {
  if (node === null || typeof node !== "object") return undefined;
  const rec = node as Record<string, unknown>;
  if (name in rec) return rec[name];
  for (const v of Object.values(rec)) {
    const f = findValue(v, name);
    if (f !== undefined) return f;
  }
  return undefined;
}

function b64url(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "base64url"));
}

const documentKeys = JSON.parse(readFileSync(resolve(VECTORS_DIR, "documents.json"), "utf8")) as {
  keys: Record<string, string>;
};
const DUMMY_KEY = fromHex(Object.values(documentKeys.keys)[0]!);

function keyOrDummy(jwk: Jwk | null): Uint8Array {
  if (jwk === null || jwk.crv !== "P-256" || jwk.x === undefined || jwk.y === undefined) return DUMMY_KEY;
  const out = new Uint8Array(65);
  out[0] = 4;
  out.set(b64url(jwk.x), 1);
  out.set(b64url(jwk.y), 33);
  return out;
}

function sign1Array(cose: Uint8Array): CborItem & { kind: "array" } {
  let item = decodeCbor(cose);
  if (item.kind === "tagged") item = item.content;
  assert.equal(item.kind, "array");
  return item as CborItem & { kind: "array" };
}

function bytesAt(a: CborItem & { kind: "array" }, i: number): Uint8Array {
  const it = a.items[i]!;
  assert.equal(it.kind, "bytes");
  return (it as CborItem & { kind: "bytes" }).value;
}

const EXPECTED: Record<string, RejectReason> = {
  "Appendix_C_2_1.json": "UNPROTECTED_HEADER_NOT_EMPTY",
  "ecdsa-sig-01.json": "UNPROTECTED_HEADER_NOT_EMPTY",
  "ecdsa-sig-02.json": "UNPROTECTED_HEADER_NOT_EMPTY",
  "ecdsa-sig-03.json": "UNPROTECTED_HEADER_NOT_EMPTY",
  "ecdsa-sig-04.json": "UNPROTECTED_HEADER_NOT_EMPTY",
  "sign-fail-01.json": "WRONG_TAG",
  "sign-fail-02.json": "UNPROTECTED_HEADER_NOT_EMPTY",
  "sign-fail-03.json": "UNPROTECTED_HEADER_NOT_EMPTY",
  "sign-fail-04.json": "UNPROTECTED_HEADER_NOT_EMPTY",
  "sign-fail-06.json": "UNPROTECTED_HEADER_NOT_EMPTY",
  "sign-fail-07.json": "UNPROTECTED_HEADER_NOT_EMPTY",
  "sign-pass-01.json": "ALG_NOT_PROTECTED",
  "sign-pass-02.json": "UNPROTECTED_HEADER_NOT_EMPTY",
  "sign-pass-03.json": "NOT_TAGGED",
};

for (const file of coseWgFiles()) {
  const name = file.split("/").pop()!;
  const vector = JSON.parse(readFileSync(file, "utf8")) as CoseWgVector;

  test(`cose-wg ${name} is outside the profile`, () => {
    const expected = EXPECTED[name];
    if (expected === undefined) assert.fail(`no expectation for ${name}`);
    const verifier = new CoseVerifier({ "11": keyOrDummy(signerKey(vector)) });
    expectReason(
      () => verifier.verify(fromHex(vector.output.cbor), "application/vnd.kivyx.ota.release+json"),
      expected,
      name,
    );
  });

  test(`cose-wg ${name}: ES256 and Sig_structure match the reference`, () => {
    const key = signerKey(vector);
    const alg = findValue(vector.input, "alg");
    const shouldFail = vector.fail === true;
    if (key === null || key.crv !== "P-256" || alg !== "ES256" || (shouldFail && name !== "sign-fail-02.json")) {
      return; // other curves are not ES256; other fail cases break headers, covered above
    }
    const referenceTbs = fromHex(vector.intermediates.ToBeSign_hex);
    const message = sign1Array(fromHex(vector.output.cbor));
    let protectedBytes = bytesAt(message, 0);
    if (protectedBytes.length === 1 && protectedBytes[0] === 0xa0) protectedBytes = new Uint8Array(0);
    const ourTbs = toBeSigned(protectedBytes, bytesAt(message, 2));
    const signature = bytesAt(message, 3);
    const publicKey = keyOrDummy(key);
    const externalAad = findValue(vector.input, "external") !== undefined;
    if (shouldFail) {
      expectReason(() => verifyEs256(publicKey, ourTbs, signature, "notRequired"), "BAD_SIGNATURE", name);
    } else if (externalAad) {
      assert.ok(!equalBytes(ourTbs, referenceTbs));
      verifyEs256(publicKey, referenceTbs, signature, "notRequired");
    } else {
      assert.ok(equalBytes(ourTbs, referenceTbs), `${name}: Sig_structure differs`);
      verifyEs256(publicKey, ourTbs, signature, "notRequired");
    }
  });
}

test("cose-wg ecdsa-sig-01 is a valid high-S signature", () => {
  const file = resolve(requireShared("vectors"), "cose-wg", "ecdsa-sig-01.json");
  const vector = JSON.parse(readFileSync(file, "utf8")) as CoseWgVector;
  const tbs = fromHex(vector.intermediates.ToBeSign_hex);
  const signature = bytesAt(sign1Array(fromHex(vector.output.cbor)), 3);
  const key = keyOrDummy(signerKey(vector));
  verifyEs256(key, tbs, signature, "notRequired");
  expectReason(() => verifyEs256(key, tbs, signature, "required"), "HIGH_S", "ecdsa-sig-01");
  const s = bigOf(signature.subarray(32, 64));
  const low = P256_N - s;
  const normalised = new Uint8Array(signature);
  normalised.set(fromHex(low.toString(16).padStart(64, "0")), 32);
  verifyEs256(key, tbs, normalised, "required");
});
