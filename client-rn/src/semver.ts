/** Semver and the strict range subset of docs/formats.md, a port of the Java `Semver`/`SemverRange`. */
import { InvalidDocumentError } from "./errors.js";

export interface Semver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: readonly string[];
}

const NUM = "(0|[1-9]\\d{0,8})";
const ID = "(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)";
const SEMVER = new RegExp(
  `^${NUM}\\.${NUM}\\.${NUM}(?:-(${ID}(?:\\.${ID})*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
);

export function parseSemver(text: string | undefined): Semver | null {
  if (text === undefined) return null;
  const m = SEMVER.exec(text);
  if (m === null) return null;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    prerelease: m[4] === undefined ? [] : m[4].split("."),
  };
}

function cmp(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareSemver(a: Semver, b: Semver): number {
  let c = cmp(a.major, b.major);
  if (c === 0) c = cmp(a.minor, b.minor);
  if (c === 0) c = cmp(a.patch, b.patch);
  return c !== 0 ? c : comparePrerelease(a.prerelease, b.prerelease);
}

function comparePrerelease(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) {
    return cmp(a.length === 0 ? 1 : 0, b.length === 0 ? 1 : 0);
  }
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xNum = /^\d+$/.test(x);
    const yNum = /^\d+$/.test(y);
    let c: number;
    if (xNum && yNum) c = x.length !== y.length ? cmp(x.length, y.length) : cmpText(x, y);
    else if (xNum || yNum) c = xNum ? -1 : 1;
    else c = cmpText(x, y);
    if (c !== 0) return c;
  }
  return cmp(a.length, b.length);
}

interface Comparator {
  readonly op: ">=" | ">" | "<=" | "<" | "=";
  readonly version: Semver;
}

export interface SemverRange {
  readonly text: string;
  matches(v: Semver): boolean;
}

function test(c: Comparator, v: Semver): boolean {
  const r = compareSemver(v, c.version);
  switch (c.op) {
    case ">=":
      return r >= 0;
    case ">":
      return r > 0;
    case "<=":
      return r <= 0;
    case "<":
      return r < 0;
    default:
      return r === 0;
  }
}

function invalidRange(range: string, why: string): InvalidDocumentError {
  return new InvalidDocumentError(`invalid semver range '${range}': ${why}`);
}

export function parseSemverRange(text: string): SemverRange {
  if (text.trim() === "" || text.length > 256) {
    throw invalidRange(text, "it is empty or longer than 256 characters");
  }
  const alternatives: Comparator[][] = [];
  for (const alternative of text.split("||")) {
    const trimmed = alternative.trim();
    if (trimmed === "") throw invalidRange(text, "an alternative between '||' is empty");
    const all: Comparator[] = [];
    for (const token of trimmed.split(/ +/)) addComparators(text, token, all);
    alternatives.push(all);
  }
  return {
    text,
    matches: (v: Semver) => alternatives.some((all) => all.every((c) => test(c, v))),
  };
}

function addComparators(range: string, token: string, out: Comparator[]): void {
  if (token === "*") return;
  let op: ">=" | "<=" | ">" | "<" | "=" | "^" | "~" = "=";
  for (const candidate of [">=", "<=", ">", "<", "=", "^", "~"] as const) {
    if (token.startsWith(candidate)) {
      op = candidate;
      break;
    }
  }
  const versionText = token.startsWith(op) ? token.slice(op.length) : token;
  const v = parseSemver(versionText);
  if (v === null) throw invalidRange(range, `'${versionText}' is not MAJOR.MINOR.PATCH`);
  if (op === "^") {
    const upper: Semver =
      v.major > 0
        ? { major: v.major + 1, minor: 0, patch: 0, prerelease: [] }
        : v.minor > 0
          ? { major: v.major, minor: v.minor + 1, patch: 0, prerelease: [] }
          : { major: v.major, minor: v.minor, patch: v.patch + 1, prerelease: [] };
    out.push({ op: ">=", version: v }, { op: "<", version: upper });
  } else if (op === "~") {
    out.push({ op: ">=", version: v }, { op: "<", version: { major: v.major, minor: v.minor + 1, patch: 0, prerelease: [] } });
  } else {
    out.push({ op, version: v });
  }
}
