import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { Sha256, base64Decode, base64Encode, sha256Hex, toHex, utf8Encode } from "../../src/bytes.js";

function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const nodeSha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

test("SHA-256 equals node:crypto for every length around the block and padding boundaries", () => {
  for (let n = 0; n <= 300; n++) {
    const data = pseudoRandom(n, n);
    assert.equal(sha256Hex(data), nodeSha(data), `length ${n}`);
  }
  const big = pseudoRandom(1_000_003, 7);
  assert.equal(sha256Hex(big), nodeSha(big));
});

test("incremental SHA-256 gives the same digest for any chunking", () => {
  const data = pseudoRandom(5000, 3);
  for (const chunk of [1, 7, 63, 64, 65, 127, 1000, 4999]) {
    const h = new Sha256();
    for (let i = 0; i < data.length; i += chunk) h.update(data.subarray(i, i + chunk));
    assert.equal(toHex(h.digest()), nodeSha(data), `chunk ${chunk}`);
  }
  const h = new Sha256();
  h.digest();
  assert.throws(() => h.update(data), /after digest/);
});

test("base64 round-trips and equals Buffer's for every length", () => {
  for (let n = 0; n <= 3100; n += n < 20 ? 1 : 97) {
    const data = pseudoRandom(n, n + 1);
    const text = base64Encode(data);
    assert.equal(text, Buffer.from(data).toString("base64"), `length ${n}`);
    assert.deepEqual(base64Decode(text), data, `length ${n}`);
  }
});

test("base64 refuses characters outside the alphabet, misplaced padding and bad lengths", () => {
  for (const bad of ["QUJD!", "QU=D", "Q===", "QUJ", "QUJD\n", "QUJDRA=A", "\u0141UJD", "QUJ\u0141", "QQ=\u0141"]) {
    assert.throws(() => base64Decode(bad), /base64/, JSON.stringify(bad));
  }
  assert.deepEqual(base64Decode(""), new Uint8Array(0));
});

test("UTF-8 encoding equals TextEncoder's, lone surrogates included", () => {
  for (const s of ["", "abc", "é", "€", "😀", "a\ud800b", "\udc00", "x\ud83d"]) {
    assert.deepEqual(utf8Encode(s), new TextEncoder().encode(s), JSON.stringify(s));
  }
});
