import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { after, test } from "node:test";
import { equalBytes, fromHex, sha256Hex, utf8Encode } from "../../src/bytes.js";
import { applyKvxd1, readKvxd1Header } from "../../src/delta.js";
import { DeltaError } from "../../src/errors.js";
import { runJar } from "../jar.js";
import { requireShared } from "../paths.js";

const OLD = utf8Encode("0123456789abcdefghij0123456789abcdefghij");
const NEW = utf8Encode("0123456789abcdefghiJ0123456789abcdXefghij!");
const PATCH = fromHex(
  "8f2c804b56584401282a3476ec49905f41bacc63fd0db9eccf73617dbdbdf4916bab3c18385bc343" +
    "e6cc19be978c5e4ce34324c3d64b16b69ebcdb66809f0d3b265b6a47db478e38d926040201080122" +
    "081b1301e05865666768696a2103",
);

test("FORMAT.md worked example applies", () => {
  const out = applyKvxd1(OLD, PATCH, { maxNewSize: 1000 });
  assert.ok(equalBytes(out, NEW));
  const h = readKvxd1Header(PATCH, 1000);
  assert.equal(h.oldSize, 40);
  assert.equal(h.newSize, 42);
  assert.equal(h.newSha256, sha256Hex(NEW));
});

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof DeltaError && pattern.test(e.message));
}

test("a patch for another old file is refused", () => {
  const other = new Uint8Array(OLD);
  other[0] = 0x41;
  rejects(() => applyKvxd1(other, PATCH, { maxNewSize: 1000 }), /another old file/);
});

test("a new size above the caller's cap is refused", () => {
  rejects(() => applyKvxd1(OLD, PATCH, { maxNewSize: 41 }), /over the allowed maximum|larger than/);
});

test("every single-byte corruption of the worked example is refused or yields nothing wrong", () => {
  for (let i = 0; i < PATCH.length; i++) {
    for (const flip of [0x01, 0x80, 0xff]) {
      const bad = new Uint8Array(PATCH);
      bad[i] = bad[i]! ^ flip;
      let out: Uint8Array | null = null;
      try {
        out = applyKvxd1(OLD, bad, { maxNewSize: 1000 });
      } catch (e) {
        assert.ok(e instanceof DeltaError, `byte ${i}: ${String(e)}`);
      }
      if (out !== null) assert.ok(equalBytes(out, NEW), `byte ${i} flipped gave wrong bytes`);
    }
  }
});

test("a truncated patch is refused", () => {
  for (let n = 0; n < PATCH.length; n++) {
    let out: Uint8Array | null = null;
    try {
      out = applyKvxd1(OLD, PATCH.subarray(0, n), { maxNewSize: 1000 });
    } catch (e) {
      assert.ok(e instanceof DeltaError, `length ${n}: ${String(e)}`);
    }
    if (out !== null) assert.ok(equalBytes(out, NEW));
  }
});

const work = mkdtempSync(resolve(tmpdir(), "kvxd1-corpus-"));
after(() => rmSync(work, { recursive: true, force: true }));

const PAIRS: [string, string][] = [];
for (const ext of ["min.js", "hbc", "bb.hbc"]) {
  PAIRS.push([`v1.${ext}`, `v2.${ext}`], [`v2.${ext}`, `v3.${ext}`]);
}

for (const [from, to] of PAIRS) {
  test(`corpus ${from} -> ${to}: the Java encoder's patch decodes to identical bytes`, () => {
    const corpus = requireShared("corpus");
    const oldPath = resolve(corpus, from);
    const newPath = resolve(corpus, to);
    const patchPath = resolve(work, `${from}-${to}.kvxd1`);
    runJar(["delta", "create", oldPath, newPath, patchPath]);
    const oldBytes = new Uint8Array(readFileSync(oldPath));
    const newBytes = new Uint8Array(readFileSync(newPath));
    const patch = new Uint8Array(readFileSync(patchPath));
    const t0 = performance.now();
    const out = applyKvxd1(oldBytes, patch, { maxNewSize: newBytes.length });
    const ms = performance.now() - t0;
    assert.ok(equalBytes(out, newBytes), "decoded bytes differ from the new file");
    console.log(
      `kvxd1 decode ${from} -> ${to}: patch ${patch.length} bytes, new ${newBytes.length} bytes, ${ms.toFixed(1)} ms`,
    );
  });
}
