// npm run bench:hermes: the update steps timed in the Hermes VM and, from the same Metro
// release bundle, in Node; prints a table with the goals (delta update <= 1 s, full install
// <= 0.5 s in Hermes). A benchmark, not a test: it fails only when a step fails.
//   node hermes/bench.mjs [--runs N] [--pair v2.hbc:v3.hbc] [--no-inline-requires]
import { runInNewContext } from "node:vm";
import { compileForHermes, hermesVersion, metroBundle, runHermes } from "./build.mjs";
import { loadInputs } from "./inputs.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1];
};
const runs = Number(option("--runs", "3"));
const [from, to] = option("--pair", "v2.hbc:v3.hbc").split(":");
const inlineRequires = !args.includes("--no-inline-requires");
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a positive integer");
if (!from || !to) throw new Error("--pair takes OLD:NEW corpus file names, e.g. v2.hbc:v3.hbc");

const GOALS = { "checkAndApply with a delta": 1000, "checkAndApply, full install": 500 };

function parse(text, vm) {
  const value = JSON.parse(text.trim().split("\n").pop() ?? "null");
  if (value === null || value.error) throw new Error(`${vm}: ${value?.error ?? "no report"}`);
  return value;
}

function runNode(source) {
  return new Promise((resolvePrinted) => {
    runInNewContext(source, { print: resolvePrinted, setTimeout, clearTimeout, performance }, { filename: "bench.bundle.js" });
  });
}

const input = { ...loadInputs({ pairs: [[from, to]], withVectors: false }), runs };
const bundle = await metroBundle("dist/hermes/bench.js", inlineRequires ? "bench" : "bench-no-inline", { inlineRequires });
const { hbc, source } = compileForHermes(bundle, `globalThis.__kivyxInput = ${JSON.stringify(input)};`, "bench");
const hermes = parse(runHermes(hbc), "Hermes");
const node = parse(await runNode(source), "Node");

const ms = (v) => (v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
console.log(
  `${hermesVersion()} vs Node ${process.versions.node}; ${hermes.pair}, ` +
    `${hermes.bytes} bytes, patch ${hermes.patchBytes} bytes; Metro (RN defaults${inlineRequires ? "" : ", inlineRequires off"}), ` +
    `hermesc -O; median of ${runs} runs`,
);
console.log("| step | Node | Hermes | Hermes goal |");
console.log("|---|---|---|---|");
for (const [step, h] of Object.entries(hermes.steps)) {
  const goal = GOALS[step];
  const verdict = goal === undefined ? "" : `<= ${goal} ms: ${h <= goal ? "met" : "MISSED"}`;
  console.log(`| ${step} | ${ms(node.steps[step])} | ${ms(h)} | ${verdict} |`);
}
