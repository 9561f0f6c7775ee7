import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { utf8Encode } from "../../src/bytes.js";
import { bucket, decide } from "../../src/decision.js";
import { readChannelIndex } from "../../src/documents.js";
import { VECTORS_DIR } from "../paths.js";

interface DecisionCase {
  name: string;
  index: unknown;
  device: {
    deviceId: string;
    runtimeVersion: string;
    currentReleaseId?: string;
    rnVersion?: string;
    arch?: string;
    attributes: Record<string, string>;
  };
  expected: { decision: string; releaseId?: string; mandatory: boolean };
}

const vectors = JSON.parse(readFileSync(resolve(VECTORS_DIR, "decisions.json"), "utf8")) as {
  buckets: { rolloutId: string; deviceId: string; bucket: number }[];
  cases: DecisionCase[];
};

for (const b of vectors.buckets) {
  test(`bucket(${JSON.stringify(b.rolloutId)}, ${JSON.stringify(b.deviceId)}) = ${b.bucket}`, () => {
    assert.equal(bucket(b.rolloutId, b.deviceId), b.bucket);
  });
}

for (const c of vectors.cases) {
  test(`decisions.json: ${c.name}`, () => {
    // Through the same strict reader the client uses for signed payloads.
    const index = readChannelIndex(utf8Encode(JSON.stringify(c.index)));
    const d = decide(index, c.device);
    const actual: { decision: string; releaseId?: string; mandatory: boolean } = {
      decision: d.decision,
      mandatory: d.mandatory,
    };
    if (d.releaseId !== undefined) actual.releaseId = d.releaseId;
    assert.deepEqual(actual, c.expected);
  });
}
