// Builds a script the way a React Native release build does: Metro with React Native's default
// config (@react-native/metro-config: the RN Babel preset, inline requires, RN's polyfills),
// `--dev false --minify true`, then Hermes bytecode with `hermesc -O`. Used by run.mjs and bench.mjs.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const WORK_DIR = join(PACKAGE_DIR, ".hermes");
const require = createRequire(join(PACKAGE_DIR, "package.json"));

const HERMES_BIN = join(dirname(require.resolve("hermes-engine-cli/package.json")), "linux64-bin");
export const HERMES = join(HERMES_BIN, "hermes");
export const HERMESC = join(HERMES_BIN, "hermesc");

export function hermesVersion() {
  const text = execFileSync(HERMES, ["--version"], { encoding: "utf8" });
  const release = /Hermes release version: (\S+)/.exec(text)?.[1] ?? "?";
  const bytecode = /HBC bytecode version: (\d+)/.exec(text)?.[1] ?? "?";
  return `Hermes ${release} (bytecode ${bytecode})`;
}

/** Metro-bundles `entry` (a file under the package) with RN's defaults; returns the bundle's path. */
export async function metroBundle(entry, name, { inlineRequires = true } = {}) {
  const Metro = require("metro");
  const { getDefaultConfig } = require("@react-native/metro-config");
  const { mergeConfig } = require("metro-config");
  mkdirSync(WORK_DIR, { recursive: true });
  const out = join(WORK_DIR, `${name}.bundle.js`);
  const defaults = getDefaultConfig(PACKAGE_DIR);
  const config = mergeConfig(defaults, {
    // React Native's defaults, except what needs an app: InitializeCore comes from the
    // react-native package (not installed here), watchman is not used, one worker (shared CPU).
    watchFolders: [PACKAGE_DIR],
    resolver: { useWatchman: false },
    serializer: { getModulesRunBeforeMainModule: () => [] },
    ...(inlineRequires
      ? {}
      : {
          transformer: {
            getTransformOptions: async () => ({ transform: { experimentalImportSupport: false, inlineRequires: false } }),
          },
        }),
    maxWorkers: 1,
    reporter: { update() {} },
  });
  await Metro.runBuild(config, { entry: resolve(PACKAGE_DIR, entry), out, platform: "android", dev: false, minify: true });
  return out;
}

/** Compiles `prelude` (plain JS that sets globals) followed by the bundle to Hermes bytecode; cached by content. */
export function compileForHermes(bundlePath, prelude, name) {
  const source = `${prelude}\n${readFileSync(bundlePath, "utf8")}`;
  const key = createHash("sha256").update(source).digest("hex").slice(0, 16);
  const js = join(WORK_DIR, `${name}.js`);
  const hbc = join(WORK_DIR, `${name}-${key}.hbc`);
  if (!existsSync(hbc)) {
    writeFileSync(js, source);
    execFileSync(HERMESC, ["-O", "-emit-binary", "-out", hbc, js], { stdio: ["ignore", "inherit", "inherit"] });
  }
  return { hbc, source };
}

/** Runs bytecode in the Hermes VM; returns what the script printed. */
export function runHermes(hbc) {
  return execFileSync(HERMES, ["-gc-max-heap=1G", hbc], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
}
