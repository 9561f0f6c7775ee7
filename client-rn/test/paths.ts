import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** client-rn/ (this file runs from client-rn/dist/test/). */
export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const REPO_DIR = resolve(PACKAGE_DIR, "..");
export const SHARED_DIR = process.env["KIVYX_SHARED_DIR"] ?? resolve(REPO_DIR, "..", "shared");
export const VECTORS_DIR = resolve(REPO_DIR, "testdata", "vectors");

export function requireShared(sub: string): string {
  const p = resolve(SHARED_DIR, sub);
  if (!existsSync(p)) {
    throw new Error(`missing ${p}: the shared test data must sit beside the repository (or set KIVYX_SHARED_DIR)`);
  }
  return p;
}
