/**
 * The one decision function of DESIGN.md, identical to the Java `DecisionFunction` and held
 * to `testdata/vectors/decisions.json`.
 */
import { sha256, utf8Encode } from "./bytes.js";
import type { AttributeRule, ChannelIndex, ChannelRelease, Targeting } from "./documents.js";
import { parseSemver, parseSemverRange } from "./semver.js";

export interface DeviceInfo {
  readonly deviceId: string;
  readonly runtimeVersion: string;
  /** Absent or empty: the device runs the bundle embedded in the app binary. */
  readonly currentReleaseId?: string | null;
  readonly rnVersion?: string | null;
  readonly arch?: string | null;
  readonly attributes?: Readonly<Record<string, string>>;
}

export type DecisionKind = "update" | "none" | "rollBackToEmbedded";

export interface Decision {
  readonly decision: DecisionKind;
  readonly releaseId?: string;
  readonly mandatory: boolean;
}

/** uint32_be(SHA-256(utf8(rolloutId + ":" + deviceId))[0..4]) mod 10000. */
export function bucket(rolloutId: string, deviceId: string): number {
  const h = sha256(utf8Encode(`${rolloutId}:${deviceId}`));
  const v = ((h[0]! << 24) >>> 0) + (h[1]! << 16) + (h[2]! << 8) + h[3]!;
  return v % 10000;
}

function inRange(range: string, version: string | null | undefined): boolean {
  const parsed = parseSemver(version ?? undefined);
  return parsed !== null && parseSemverRange(range).matches(parsed);
}

function ruleMatches(rule: AttributeRule, actual: string | undefined): boolean {
  switch (rule.op) {
    case "in":
      return actual !== undefined && (rule.values ?? []).includes(actual);
    case "notIn":
      return actual === undefined || !(rule.values ?? []).includes(actual);
    case "eq":
      return actual !== undefined && actual === rule.value;
    case "semver":
      return actual !== undefined && rule.value !== undefined && inRange(rule.value, actual);
    default:
      return false;
  }
}

export function targetingMatches(t: Targeting | undefined, device: DeviceInfo): boolean {
  if (t === undefined) return true;
  if (t.rnVersion !== undefined && !inRange(t.rnVersion, device.rnVersion)) return false;
  if (t.arch !== undefined) {
    const arch = device.arch;
    if (arch === undefined || arch === null || !t.arch.includes(arch)) return false;
  }
  if (t.attributes !== undefined) {
    const attrs = device.attributes ?? {};
    for (const rule of t.attributes) {
      const actual = Object.prototype.hasOwnProperty.call(attrs, rule.attribute) ? attrs[rule.attribute] : undefined;
      if (!ruleMatches(rule, actual)) return false;
    }
  }
  return true;
}

/** The releases this device may install (step 2 of the decision function). */
export function candidates(index: ChannelIndex, device: DeviceInfo): ChannelRelease[] {
  const revoked = new Set(index.revoked);
  return index.releases.filter(
    (r) =>
      r.runtimeVersion === device.runtimeVersion &&
      r.versionCode >= index.minVersionCode &&
      !revoked.has(r.releaseId) &&
      targetingMatches(r.rollout.targeting, device) &&
      bucket(r.rollout.id, device.deviceId) < r.rollout.weight,
  );
}

export function decide(index: ChannelIndex, device: DeviceInfo): Decision {
  const revoked = new Set(index.revoked);
  const cands = candidates(index, device);
  const current = device.currentReleaseId ? device.currentReleaseId : undefined;
  const currentRevoked = current !== undefined && revoked.has(current);
  let chosen: ChannelRelease | undefined;
  for (const c of cands) if (chosen === undefined || c.versionCode > chosen.versionCode) chosen = c;
  if (chosen === undefined) {
    return current === undefined
      ? { decision: "none", mandatory: false }
      : { decision: "rollBackToEmbedded", mandatory: currentRevoked };
  }
  const target = chosen;
  if (current !== undefined && current === target.releaseId) return { decision: "none", mandatory: false };
  const currentEntry = current === undefined ? undefined : index.releases.find((r) => r.releaseId === current);
  let mandatory: boolean;
  if (currentEntry === undefined || target.versionCode > currentEntry.versionCode) {
    const floor = currentEntry === undefined ? -Infinity : currentEntry.versionCode;
    mandatory = cands.some(
      (r) => r.versionCode > floor && r.versionCode <= target.versionCode && r.rollout.mandatory,
    );
  } else {
    mandatory = currentRevoked || target.rollout.mandatory;
  }
  return { decision: "update", releaseId: target.releaseId, mandatory };
}
