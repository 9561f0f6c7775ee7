// npm run test:hermes: the runtime code, bundled as a React Native release build bundles it,
// checked inside the Hermes VM from npm (hermes-engine-cli) and, from the very same bundle, in
// Node. Fails when a check fails in either VM or when the two reports differ in any outcome.
import { runInNewContext } from "node:vm";
import { compileForHermes, hermesVersion, metroBundle, runHermes } from "./build.mjs";
import { loadInputs } from "./inputs.mjs";

/** Runs the bundle in a fresh Node context with only what the Hermes CLI offers besides the language. */
function runNode(source) {
  return new Promise((resolvePrinted, reject) => {
    const lines = [];
    const context = {
      print: (line) => {
        lines.push(String(line));
        resolvePrinted(lines.join("\n"));
      },
      setTimeout,
      clearTimeout,
    };
    try {
      runInNewContext(source, context, { filename: "suite.bundle.js" });
    } catch (e) {
      reject(e);
    }
    setTimeout(() => reject(new Error("the bundle printed no report within 300 s in Node")), 300_000).unref();
  });
}

function lastJsonLine(text, vm) {
  const line = text.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${vm} printed no JSON report; output ends with: ${text.slice(-2000)}`);
  }
}

function differences(a, b) {
  const keys = new Set([...Object.keys(a.results), ...Object.keys(b.results)]);
  const out = [];
  for (const k of [...keys].sort()) {
    const x = JSON.stringify(a.results[k]);
    const y = JSON.stringify(b.results[k]);
    if (x !== y) out.push(`${k}: Hermes ${x?.slice(0, 300)} / Node ${y?.slice(0, 300)}`);
  }
  return out;
}

const input = loadInputs();
const bundle = await metroBundle("dist/hermes/suite.js", "suite");
const { hbc, source } = compileForHermes(bundle, `globalThis.__kivyxInput = ${JSON.stringify(input)};`, "suite");
const t0 = Date.now();
const hermes = lastJsonLine(runHermes(hbc), "Hermes");
const hermesMs = Date.now() - t0;
const t1 = Date.now();
const node = lastJsonLine(await runNode(source), "Node");
const nodeMs = Date.now() - t1;

const count = Object.keys(hermes.results).length;
const bySection = {};
for (const k of Object.keys(hermes.results)) {
  const section = k.split("/")[0];
  bySection[section] = (bySection[section] ?? 0) + 1;
}
console.log(`${hermesVersion()}: ${count} outcomes (${Object.entries(bySection).map(([s, n]) => `${s} ${n}`).join(", ")})`);
console.log(`Hermes ${hermesMs} ms, Node ${nodeMs} ms (same Metro bundle, React Native defaults, hermesc -O)`);
const problems = [
  ...hermes.failures.map((f) => `Hermes: ${f}`),
  ...node.failures.map((f) => `Node: ${f}`),
  ...differences(hermes, node).map((d) => `Hermes and Node differ: ${d}`),
];
if (problems.length > 0) {
  for (const p of problems) console.error(`FAIL ${p}`);
  process.exit(1);
}
console.log("ok: every check passed in Hermes and Node, with identical outcomes");
