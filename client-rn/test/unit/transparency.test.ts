/** The device-side log check against real rekor-tiles answers recorded by the Java suite (testdata/vectors/transparency.json). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { fromHex, sha256, toHex, utf8Encode } from "../../src/bytes.js";
import { parsePublicKey } from "../../src/cose.js";
import { LogEntryRejectedError, derToRs, leafHash, verifyInclusion, verifyManifestLogEntry } from "../../src/transparency.js";
import { p256 } from "../../src/p256.js";
import { VECTORS_DIR } from "../paths.js";

interface Vectors {
  log: { origin: string; rawPubHex: string };
  releaseKey: { rawPubHex: string };
  cases: { name: string; manifestCoseHex: string; entry: string; expect: string }[];
}

const vectors = JSON.parse(readFileSync(resolve(VECTORS_DIR, "transparency.json"), "utf8")) as Vectors;
const logs = [{ origin: vectors.log.origin, key: { rawPubHex: vectors.log.rawPubHex } }];
const releaseKey = parsePublicKey({ rawPubHex: vectors.releaseKey.rawPubHex });

test("every recorded real-log case gets the verdict Java gives it", () => {
  let ok = 0;
  let refused = 0;
  for (const c of vectors.cases) {
    const run = (): unknown => verifyManifestLogEntry(utf8Encode(c.entry), fromHex(c.manifestCoseHex), releaseKey, logs);
    if (c.expect === "ok") {
      run();
      ok++;
    } else {
      assert.throws(run, (e: unknown) => {
        assert.ok(e instanceof LogEntryRejectedError, `${c.name}: ${String(e)}`);
        assert.equal(e.reason, c.expect, c.name);
        return true;
      });
      refused++;
    }
  }
  assert.ok(ok >= 5 && refused >= 8, `${ok} accepted, ${refused} refused`);
});

test("a checkpoint key that is not pinned, or the right key under another origin, is refused", () => {
  const valid = vectors.cases.find((c) => c.expect === "ok")!;
  const other = p256.getPublicKey(sha256(utf8Encode("another log")), false);
  const wrongKey = [{ origin: vectors.log.origin, key: { rawPubHex: toHex(other) } }];
  const wrongOrigin = [{ origin: "rekor.elsewhere.example", key: { rawPubHex: vectors.log.rawPubHex } }];
  for (const pinned of [wrongKey, wrongOrigin]) {
    assert.throws(
      () => verifyManifestLogEntry(utf8Encode(valid.entry), fromHex(valid.manifestCoseHex), releaseKey, pinned),
      (e: unknown) => e instanceof LogEntryRejectedError && e.reason === "CHECKPOINT_SIGNATURE",
    );
  }
});

test("RFC 9162 inclusion: every proof of trees up to 20 verifies, other indices and extra hashes do not", () => {
  const hashOf = (leaves: Uint8Array[]): Uint8Array => {
    if (leaves.length === 1) return leaves[0]!;
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return sha256(new Uint8Array([1, ...hashOf(leaves.slice(0, k)), ...hashOf(leaves.slice(k))]));
  };
  const proofOf = (i: number, leaves: Uint8Array[]): Uint8Array[] => {
    if (leaves.length <= 1) return [];
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return i < k ? [...proofOf(i, leaves.slice(0, k)), hashOf(leaves.slice(k))] : [...proofOf(i - k, leaves.slice(k)), hashOf(leaves.slice(0, k))];
  };
  for (let n = 1; n <= 20; n++) {
    const leaves = Array.from({ length: n }, (_, i) => leafHash(utf8Encode(`leaf ${i}`)));
    const root = hashOf(leaves);
    for (let i = 0; i < n; i++) {
      const proof = proofOf(i, leaves);
      assert.ok(verifyInclusion(i, n, leaves[i]!, proof, root), `${i} of ${n}`);
      if (n > 1) assert.ok(!verifyInclusion((i + 1) % n, n, leaves[i]!, proof, root), `other index ${i} of ${n}`);
      assert.ok(!verifyInclusion(i, n, leaves[i]!, [...proof, new Uint8Array(32)], root), `extra hash ${i} of ${n}`);
    }
  }
});

test("DER signatures: strict decoding", () => {
  const rs = new Uint8Array(64).fill(7);
  rs[0] = 0x80;
  const der = p256.Signature.fromBytes(rs, "compact").toBytes("der");
  assert.deepEqual(derToRs(der), rs);
  assert.equal(derToRs(der.subarray(0, der.length - 1)), null);
  const padded = new Uint8Array([0x30, 0x08, 0x02, 0x02, 0x00, 0x01, 0x02, 0x02, 0x00, 0x01]);
  assert.equal(derToRs(padded), null, "non-minimal integers are refused");
});
