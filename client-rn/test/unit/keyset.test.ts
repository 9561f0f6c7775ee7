import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { fromHex } from "../../src/bytes.js";
import { parsePublicKey } from "../../src/cose.js";
import { parseTimestamp } from "../../src/documents.js";
import {
  KeySetRejectedError,
  loadKeySet,
  nextKeySet,
  requireFreshKeySet,
  signingKeysAt,
  unverifiedKeySet,
} from "../../src/keyset.js";
import { VECTORS_DIR } from "../paths.js";

interface StepCase {
  name: string;
  trustedCoseHex: string | null;
  coseHex: string;
  now: string;
  valid: boolean;
  version?: number;
  signingKeys?: string[];
  reason?: string;
}

const vectors = JSON.parse(readFileSync(resolve(VECTORS_DIR, "keysets.json"), "utf8")) as {
  appId: string;
  pinnedRoots: Record<string, string>;
  cases: StepCase[];
  chain: { store: Record<string, string>; now: string; version: number; signingKeys: string[] };
};

const roots = Object.fromEntries(Object.entries(vectors.pinnedRoots).map(([kid, hex]) => [kid, parsePublicKey({ rawPubHex: hex })]));

test("keysets.json refuses at least nine key sets", () => {
  assert.ok(vectors.cases.filter((c) => !c.valid).length >= 9);
});

for (const c of vectors.cases) {
  test(`keysets.json: ${c.name}`, () => {
    const trusted = c.trustedCoseHex === null ? null : unverifiedKeySet(fromHex(c.trustedCoseHex));
    const now = parseTimestamp(c.now);
    let verdict: string;
    try {
      const next = nextKeySet(vectors.appId, trusted, roots, fromHex(c.coseHex));
      requireFreshKeySet(next, now);
      verdict = `valid v${next.version} ${Object.keys(signingKeysAt(next, now)).join(",")}`;
    } catch (e) {
      if (!(e instanceof KeySetRejectedError)) throw e;
      verdict = e.reason;
    }
    assert.equal(verdict, c.valid ? `valid v${c.version} ${(c.signingKeys ?? []).join(",")}` : c.reason);
  });
}

test("keysets.json: a device with only the first root walks the chain to the current key set", async () => {
  const store = vectors.chain.store;
  const fetched: string[] = [];
  const fetch = (path: string) => {
    fetched.push(path);
    const hex = store[path];
    return Promise.resolve(hex === undefined ? null : fromHex(hex));
  };
  const now = parseTimestamp(vectors.chain.now);
  const { keySet } = await loadKeySet(vectors.appId, null, roots, fetch, now);
  assert.equal(keySet.version, vectors.chain.version);
  assert.deepEqual(Object.keys(signingKeysAt(keySet, now)), vectors.chain.signingKeys);
  // Current first, then the versions the rotation made necessary.
  assert.equal(fetched[0], `apps/${vectors.appId}/keys.cose`);
  assert.ok(fetched.length >= 4);

  // Polling again with it trusted keeps it without a walk, even though its own roots did not sign it.
  fetched.length = 0;
  assert.equal((await loadKeySet(vectors.appId, keySet, roots, fetch, now)).keySet.version, vectors.chain.version);
  assert.equal(fetched.length, 1);

  // A hole in the chain stops the walk.
  const holed = (path: string) => Promise.resolve(path.endsWith("/keys/3.cose") ? null : fetch(path));
  await assert.rejects(loadKeySet(vectors.appId, null, roots, holed, now), (e: unknown) => e instanceof KeySetRejectedError && e.reason === "MISSING");
});
