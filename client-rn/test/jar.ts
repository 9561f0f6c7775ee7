import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { PACKAGE_DIR } from "./paths.js";

/** The kivyx-ota CLI jar: $KIVYX_OTA_JAR, else ../cli/target/kivyx-ota.jar. */
export function jarPath(): string {
  const jar = resolve(PACKAGE_DIR, process.env["KIVYX_OTA_JAR"] ?? "../cli/target/kivyx-ota.jar");
  if (!existsSync(jar)) {
    throw new Error(
      `the kivyx-ota jar is missing at ${jar}: build it first with './mvnw -B -q -DskipTests package' ` +
        "at the repository root (scripts/test runs Maven before the TypeScript tests), or set KIVYX_OTA_JAR",
    );
  }
  return jar;
}

export function runJar(args: string[], options: { timeoutMs?: number } = {}): string {
  return execFileSync("java", ["-jar", jarPath(), ...args], {
    encoding: "utf8",
    timeout: options.timeoutMs ?? 180_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
}
