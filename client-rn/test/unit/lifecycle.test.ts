import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import {
  LifecycleEvent,
  LifecycleOptions,
  LifecycleState,
  StateV1,
  StateV2,
  fromV1,
  readState,
  step,
} from "../../src/lifecycle.js";
import { type NativeRecord, nativeStartup } from "../native-startup.js";
import { VECTORS_DIR } from "../paths.js";

interface Vectors {
  options: LifecycleOptions;
  cases: { name: string; state: LifecycleState; steps: { event: LifecycleEvent; state: LifecycleState; effects: unknown[] }[] }[];
  fromV1: { name: string; v1: StateV1; v2: StateV2 }[];
}

const vectors = JSON.parse(readFileSync(resolve(VECTORS_DIR, "lifecycle.json"), "utf8")) as Vectors;

test("lifecycle.json covers upgrade, crash-before-JS, every rollback reason and v1 state", () => {
  const events = vectors.cases.flatMap((c) => c.steps.map((s) => JSON.stringify(s.event)));
  const effects = vectors.cases.flatMap((c) => c.steps.flatMap((s) => s.effects.map((e) => JSON.stringify(e))));
  for (const type of ["staged", "stagedEmbedded", "launched", "markedHealthy", "nativeDropped", "binaryChanged"]) {
    assert.ok(events.some((e) => e.includes(`"type":"${type}"`)), type);
  }
  for (const reason of ["notMarkedHealthy", "launchTimeout", "crashedBeforeJs", "binaryChanged"]) {
    assert.ok(effects.some((e) => e.includes(`"reason":"${reason}"`)), reason);
  }
  assert.ok(vectors.fromV1.length >= 5);
});

for (const c of vectors.cases) {
  test(`lifecycle.json: ${c.name}`, () => {
    let state = c.state;
    c.steps.forEach((s, i) => {
      const r = step(state, s.event, vectors.options);
      assert.deepEqual(r.state, s.state, `step ${i} (${s.event.type}): state`);
      assert.deepEqual(r.effects, s.effects, `step ${i} (${s.event.type}): effects`);
      state = r.state;
    });
  });
}

for (const c of vectors.fromV1) {
  test(`lifecycle.json fromV1: ${c.name}`, () => {
    assert.deepEqual(fromV1(c.v1), c.v2);
    // and through the stored JSON, as the client reads it
    assert.deepEqual(readState(JSON.stringify(c.v1)), c.v2);
  });
}

test("unreadable or unknown state JSON starts over from the embedded bundle", () => {
  for (const raw of [null, "", "{", '{"v":3}', "[]", '"x"']) {
    assert.deepEqual(readState(raw).lifecycle, { kind: "embedded" }, String(raw));
  }
});

interface NativeVectors {
  maxUnconfirmed: number;
  cases: { name: string; record: NativeRecord | null; binaryVersion: string; files: string[]; next: NativeRecord; loads: string | null }[];
}
const native = (vectors as unknown as { nativeStartup: NativeVectors }).nativeStartup;

for (const c of native.cases) {
  test(`lifecycle.json nativeStartup: ${c.name}`, () => {
    const got = nativeStartup(c.record, c.binaryVersion, (p) => c.files.includes(p), native.maxUnconfirmed);
    assert.deepEqual(got, { next: c.next, loads: c.loads });
  });
}
