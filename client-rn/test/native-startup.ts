/**
 * A reference of the native startup decision (android KivyxOta.kt and ios KivyxOta.swift,
 * `startup()`), line for line, so `lifecycle.json`'s nativeStartup cases are checked here; the
 * Kotlin and Swift code cannot be compiled on this machine and follows the same steps.
 */
export interface NativeRecord {
  v: number;
  binaryVersion?: string | null;
  active: string | null;
  hasPending: boolean;
  pending: string | null;
  previous: string | null;
  unconfirmed: number;
  dropped?: { bundle: string | null; reason: "crashedBeforeJs" } | null;
}

export function nativeStartup(
  stored: NativeRecord | null,
  binaryVersion: string,
  fileExists: (path: string) => boolean,
  maxUnconfirmed: number,
): { next: NativeRecord; loads: string | null } {
  const s: NativeRecord = {
    v: 2,
    binaryVersion: stored?.binaryVersion ?? null,
    active: stored?.active ?? null,
    hasPending: stored?.hasPending ?? false,
    pending: stored?.pending ?? null,
    previous: stored?.previous ?? null,
    unconfirmed: stored?.unconfirmed ?? 0,
    dropped: stored?.dropped ?? null,
  };
  if (stored?.v !== 2 || s.binaryVersion !== binaryVersion) {
    // Another binary (a v1 record can only come from an older one): its OTA bundles are not for this one.
    s.active = null;
    s.hasPending = false;
    s.pending = null;
    s.previous = null;
    s.unconfirmed = 0;
    s.dropped = null;
    s.binaryVersion = binaryVersion;
  }
  if (s.hasPending) {
    if (s.pending !== s.active) {
      s.previous = s.active;
      s.active = s.pending;
      s.unconfirmed = s.active === null ? 0 : 1;
    }
    s.hasPending = false;
    s.pending = null;
  } else if (s.unconfirmed >= maxUnconfirmed) {
    s.dropped = { bundle: s.active, reason: "crashedBeforeJs" };
    s.active = s.previous;
    s.previous = null;
    s.unconfirmed = 0;
  } else if (s.unconfirmed > 0) {
    s.unconfirmed++;
  }
  const loads = s.active !== null && fileExists(s.active) ? s.active : null;
  return { next: s, loads };
}
