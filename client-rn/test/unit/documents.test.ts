import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { fromHex } from "../../src/bytes.js";
import { CONTENT_TYPE_CHANNEL_INDEX, CONTENT_TYPE_RELEASE, CoseVerifier } from "../../src/cose.js";
import { readChannelIndex, readReleaseManifest } from "../../src/documents.js";
import { CoseRejectedError } from "../../src/errors.js";
import { VECTORS_DIR } from "../paths.js";

interface DocCase {
  name: string;
  contentType: string;
  coseHex: string;
  valid: boolean;
  reason: string | null;
}

const vectors = JSON.parse(readFileSync(resolve(VECTORS_DIR, "documents.json"), "utf8")) as {
  keys: Record<string, string>;
  cases: DocCase[];
};

const verifier = new CoseVerifier(
  Object.fromEntries(Object.entries(vectors.keys).map(([kid, hex]) => [kid, { rawPubHex: hex }])),
);

test("documents.json has cases", () => {
  assert.ok(vectors.cases.length >= 20);
});

for (const c of vectors.cases) {
  test(`documents.json: ${c.name}`, () => {
    const bytes = fromHex(c.coseHex);
    if (c.valid) {
      const doc = verifier.verify(bytes, c.contentType);
      // Valid documents must also pass the JSON format rules.
      if (c.contentType === CONTENT_TYPE_RELEASE) readReleaseManifest(doc.payload);
      else if (c.contentType === CONTENT_TYPE_CHANNEL_INDEX) readChannelIndex(doc.payload);
    } else {
      assert.throws(
        () => verifier.verify(bytes, c.contentType),
        (e: unknown) => e instanceof CoseRejectedError && e.reason === c.reason,
        `expected ${c.reason}`,
      );
    }
  });
}

test("documents.json: the index entry's transparency log entry reads as Java wrote it", () => {
  const c = vectors.cases.find((x) => x.name === "channel-index-with-transparency")!;
  const index = readChannelIndex(verifier.verify(fromHex(c.coseHex), c.contentType).payload);
  const t = index.releases[0]!.transparency!;
  assert.equal(t.origin, "log.example.com");
  assert.equal(t.logIndex, 8);
  assert.equal(t.size, 987);
  assert.match(t.url, /^apps\/.+\/blobs\/sha256\/[0-9a-f]{64}$/);
  assert.equal(t.url.slice(-64), t.sha256);
});

test("a pinned key may also be given as an SPKI PEM", () => {
  const [kid, hex] = Object.entries(vectors.keys)[0]!;
  const spki = Buffer.concat([
    Buffer.from("3059301306072a8648ce3d020106082a8648ce3d030107034200", "hex"),
    Buffer.from(hex, "hex"),
  ]).toString("base64");
  const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
  const v = new CoseVerifier({ [kid]: { spkiPem: pem } });
  const good = vectors.cases.find((c) => c.name === "channel-index")!;
  v.verify(fromHex(good.coseHex), good.contentType);
});

test("an oversized document is TOO_LARGE before parsing", () => {
  const v = new CoseVerifier({ k: { rawPubHex: Object.values(vectors.keys)[0]! } }, 10);
  assert.throws(
    () => v.verify(new Uint8Array(11), CONTENT_TYPE_CHANNEL_INDEX),
    (e: unknown) => e instanceof CoseRejectedError && e.reason === "TOO_LARGE",
  );
});
