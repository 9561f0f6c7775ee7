/**
 * The device's bundle lifecycle as one pure state machine: `step(state, event, options)` returns
 * the next state and the effects the client then carries out (native calls, file removals,
 * telemetry). The table is in the README; `testdata/vectors/lifecycle.json` is its executable
 * form, replayed by the TypeScript tests and the spec the Kotlin/Swift startup code follows.
 * Release paths are relative to the client's storage root.
 */

export interface InstalledRelease {
  readonly releaseId: string;
  readonly versionCode: number;
  /** Directory of the release. */
  readonly dir: string;
  /** The launch asset file. */
  readonly bundle: string;
  readonly sha256: string;
  readonly size: number;
}

export interface PendingRelease extends InstalledRelease {
  readonly mandatory: boolean;
}

export type LifecycleState =
  /** The binary's own bundle runs; nothing is staged. */
  | { readonly kind: "embedded" }
  /** An OTA release runs and has proved healthy; `previous` is kept on disk. */
  | { readonly kind: "running"; readonly current: InstalledRelease; readonly previous: InstalledRelease | null }
  /** A release is on disk and handed to native; it loads at the next start. `current` null: embedded runs. */
  | { readonly kind: "staged"; readonly current: InstalledRelease | null; readonly pending: PendingRelease }
  /** The server asked for the embedded bundle; it loads at the next start. */
  | { readonly kind: "stagedEmbedded"; readonly current: InstalledRelease | null }
  /** A new release runs but has not called markHealthy() yet. */
  | {
      readonly kind: "trial";
      readonly current: InstalledRelease;
      readonly previous: InstalledRelease | null;
      /** Launches so far, this one included. */
      readonly launches: number;
      readonly startedAt: number;
    };

/** Why a release was taken off a device: a bounded set, counted by the server. */
export type RollbackReason = "notMarkedHealthy" | "launchTimeout" | "crashedBeforeJs";

export type LifecycleEvent =
  | { readonly type: "staged"; readonly release: PendingRelease; readonly usedDelta: boolean }
  | { readonly type: "stagedEmbedded" }
  /** JS started; `nativeLoadedPending`: the native side loaded what the state has staged. */
  | { readonly type: "launched"; readonly nativeLoadedPending: boolean; readonly now: number }
  | { readonly type: "markedHealthy" }
  /** At startup native dropped `bundle` (it was started without ever reaching JS) and went back. */
  | { readonly type: "nativeDropped"; readonly bundle: string | null; readonly reason: "crashedBeforeJs" }
  /** The app binary differs from the one the state was written under (an app-store update). */
  | { readonly type: "binaryChanged"; readonly from: string; readonly to: string };

export type ReportType = "downloaded" | "applied" | "healthy" | "crashed" | "rolledBack";

export type LifecycleEffect =
  /** Tell native what the next start loads (null: the embedded bundle). */
  | { readonly kind: "setPendingBundle"; readonly bundle: string | null }
  /** Restart JS now (only after a health rollback, when the client's options allow it). */
  | { readonly kind: "restart" }
  | { readonly kind: "remove"; readonly path: string }
  /** Remove every release directory except these (and all staging leftovers). */
  | { readonly kind: "removeAllBut"; readonly keep: readonly string[] }
  /** Never install this release again on this device. */
  | { readonly kind: "markFailed"; readonly releaseId: string }
  | {
      readonly kind: "report";
      readonly type: ReportType;
      readonly releaseId: string;
      readonly reason?: RollbackReason | "binaryChanged";
      readonly detail?: string;
    };

export interface LifecycleOptions {
  readonly maxLaunches: number;
  readonly timeoutMs: number;
  readonly restartOnRollback: boolean;
}

export interface StepResult {
  readonly state: LifecycleState;
  readonly effects: readonly LifecycleEffect[];
}

export const EMBEDDED = "embedded";

/** The release that runs now (what a delta starts from, what the server is told). */
export function runningRelease(s: LifecycleState): InstalledRelease | null {
  return s.kind === "embedded" ? null : s.current;
}

/** The release the next launch runs: pending if staged, else what runs now. */
export function nextRelease(s: LifecycleState): InstalledRelease | null {
  if (s.kind === "staged") return s.pending;
  if (s.kind === "stagedEmbedded") return null;
  return runningRelease(s);
}

/** Directories the state refers to (kept by clean-ups). */
export function referencedDirs(s: LifecycleState): string[] {
  const all: (InstalledRelease | null)[] =
    s.kind === "embedded"
      ? []
      : s.kind === "staged"
        ? [s.current, s.pending]
        : s.kind === "stagedEmbedded"
          ? [s.current]
          : [s.current, s.previous];
  return all.filter((r): r is InstalledRelease => r !== null).map((r) => r.dir);
}

function settled(current: InstalledRelease | null, previous: InstalledRelease | null): LifecycleState {
  return current === null ? { kind: "embedded" } : { kind: "running", current, previous };
}

function unchanged(state: LifecycleState): StepResult {
  return { state, effects: [] };
}

function rollBack(
  failed: InstalledRelease,
  to: InstalledRelease | null,
  reason: RollbackReason,
  detail: string,
  restart: boolean,
): StepResult {
  const effects: LifecycleEffect[] = [
    { kind: "markFailed", releaseId: failed.releaseId },
    { kind: "setPendingBundle", bundle: to === null ? null : to.bundle },
    { kind: "report", type: "rolledBack", releaseId: failed.releaseId, reason, detail },
    { kind: "remove", path: failed.dir },
  ];
  if (restart) effects.push({ kind: "restart" });
  return { state: settled(to, null), effects };
}

function launchTrial(s: LifecycleState & { kind: "trial" }, now: number, o: LifecycleOptions): StepResult {
  const launches = s.launches + 1;
  const effects: LifecycleEffect[] = [
    {
      kind: "report",
      type: "crashed",
      releaseId: s.current.releaseId,
      detail: `launch ${s.launches} ended without markHealthy()`,
    },
  ];
  let reason: RollbackReason | null = null;
  let detail = "";
  if (launches > o.maxLaunches) {
    reason = "notMarkedHealthy";
    detail = `not marked healthy within ${o.maxLaunches} launch(es)`;
  } else if (now - s.startedAt > o.timeoutMs) {
    reason = "launchTimeout";
    detail = `not marked healthy within ${o.timeoutMs} ms`;
  }
  if (reason === null) return { state: { ...s, launches }, effects };
  const back = rollBack(s.current, s.previous, reason, detail, o.restartOnRollback);
  return { state: back.state, effects: [...effects, ...back.effects] };
}

export function step(state: LifecycleState, event: LifecycleEvent, options: LifecycleOptions): StepResult {
  switch (event.type) {
    case "staged":
      return {
        state: { kind: "staged", current: runningRelease(state), pending: event.release },
        effects: [
          { kind: "setPendingBundle", bundle: event.release.bundle },
          { kind: "report", type: "downloaded", releaseId: event.release.releaseId, detail: event.usedDelta ? "delta" : "full" },
        ],
      };
    case "stagedEmbedded": {
      const current = runningRelease(state);
      return {
        state: { kind: "stagedEmbedded", current },
        effects: [
          { kind: "setPendingBundle", bundle: null },
          {
            kind: "report",
            type: "downloaded",
            releaseId: current?.releaseId ?? EMBEDDED,
            detail: "rollBackToEmbedded: the embedded bundle is staged",
          },
        ],
      };
    }
    case "launched":
      if (state.kind === "staged") {
        if (!event.nativeLoadedPending) {
          // Staging finished but native was never told (the app died in between): tell it now.
          return { state, effects: [{ kind: "setPendingBundle", bundle: state.pending.bundle }] };
        }
        const { mandatory: _mandatory, ...current } = state.pending;
        void _mandatory;
        return {
          state: { kind: "trial", current, previous: state.current, launches: 1, startedAt: event.now },
          effects: [{ kind: "report", type: "applied", releaseId: current.releaseId }],
        };
      }
      if (state.kind === "stagedEmbedded") {
        if (!event.nativeLoadedPending) return { state, effects: [{ kind: "setPendingBundle", bundle: null }] };
        return {
          state: { kind: "embedded" },
          effects: [
            {
              kind: "report",
              type: "applied",
              releaseId: state.current?.releaseId ?? EMBEDDED,
              detail: "back on the embedded bundle",
            },
          ],
        };
      }
      if (state.kind === "trial") return launchTrial(state, event.now, options);
      return unchanged(state);
    case "markedHealthy":
      if (state.kind !== "trial") return unchanged(state);
      return {
        state: { kind: "running", current: state.current, previous: state.previous },
        effects: [
          { kind: "report", type: "healthy", releaseId: state.current.releaseId },
          { kind: "removeAllBut", keep: referencedDirs({ kind: "running", current: state.current, previous: state.previous }) },
        ],
      };
    case "nativeDropped": {
      // Native already went back and loads `to` now; JS records why and never installs it again.
      const detail = "the bundle was started without reaching JS and was dropped by the native side";
      if (state.kind === "staged" && state.pending.bundle === event.bundle) {
        return rollBack(state.pending, state.current, event.reason, detail, false);
      }
      if (state.kind === "trial" && state.current.bundle === event.bundle) {
        return rollBack(state.current, state.previous, event.reason, detail, false);
      }
      return unchanged(state);
    }
    case "binaryChanged": {
      // OTA bundles were built for the old binary: drop them all (native already loads the embedded one).
      const dropped = nextRelease(state)?.releaseId ?? runningRelease(state)?.releaseId ?? null;
      return {
        state: { kind: "embedded" },
        effects: [
          { kind: "setPendingBundle", bundle: null },
          { kind: "removeAllBut", keep: [] },
          {
            kind: "report",
            type: "applied",
            releaseId: EMBEDDED,
            reason: "binaryChanged",
            detail: `app binary ${event.from} -> ${event.to}${dropped === null ? "" : `; OTA release ${dropped} dropped`}`,
          },
        ],
      };
    }
  }
}

// ---------------------------------------------------------------- persisted form

/** `kivyx-ota/state` as written by version 0.1 of this package. */
export interface StateV1 {
  v: 1;
  current: InstalledRelease | null;
  pending: PendingRelease | null;
  pendingEmbedded: boolean;
  previous: InstalledRelease | null;
  trial: { releaseId: string; launches: number; startedAt: number; previous: InstalledRelease | null } | null;
  failedReleases: string[];
  lastIndexVersion: number;
  newestSignedTime: number;
  cache: { url: string; etag: string; body: string } | null;
}

/** `kivyx-ota/state` now: the lifecycle plus what the update checks remember (docs: README "Persisted state"). */
export interface StateV2 {
  v: 2;
  lifecycle: LifecycleState;
  /** The app binary this state was written under (null: not known yet). */
  binaryVersion: string | null;
  failedReleases: string[];
  lastIndexVersion: number;
  newestSignedTime: number;
  cache: { url: string; etag: string; body: string } | null;
  /** The trusted key set's COSE bytes (base64), verified when stored; null before the first (or without root keys). */
  keySet?: string | null;
}

export function initialState(): StateV2 {
  return {
    v: 2,
    lifecycle: { kind: "embedded" },
    binaryVersion: null,
    failedReleases: [],
    lastIndexVersion: 0,
    newestSignedTime: 0,
    cache: null,
  };
}

/** Reads version 0.1's state: its nullable fields mapped onto the one state they meant. */
export function fromV1(v1: StateV1): StateV2 {
  const current = v1.current;
  let lifecycle: LifecycleState;
  if (v1.pendingEmbedded) lifecycle = { kind: "stagedEmbedded", current };
  else if (v1.pending !== null) lifecycle = { kind: "staged", current, pending: v1.pending };
  else if (current === null) lifecycle = { kind: "embedded" };
  else if (v1.trial !== null && v1.trial.releaseId === current.releaseId) {
    lifecycle = {
      kind: "trial",
      current,
      previous: v1.trial.previous,
      launches: v1.trial.launches,
      startedAt: v1.trial.startedAt,
    };
  } else lifecycle = { kind: "running", current, previous: v1.previous };
  return {
    v: 2,
    lifecycle,
    binaryVersion: null,
    failedReleases: [...v1.failedReleases],
    lastIndexVersion: v1.lastIndexVersion,
    newestSignedTime: v1.newestSignedTime,
    cache: v1.cache,
  };
}

/** Parses the stored JSON (v1 or v2); anything unreadable starts over from the embedded bundle. */
export function readState(raw: string | null): StateV2 {
  if (raw === null) return initialState();
  try {
    const parsed = JSON.parse(raw) as { v?: unknown };
    if (parsed.v === 2) return { ...initialState(), ...(parsed as StateV2) };
    if (parsed.v === 1) return fromV1({ ...(legacyDefaults() as StateV1), ...(parsed as StateV1) });
  } catch {
    // fall through
  }
  return initialState();
}

function legacyDefaults(): StateV1 {
  return {
    v: 1,
    current: null,
    pending: null,
    pendingEmbedded: false,
    previous: null,
    trial: null,
    failedReleases: [],
    lastIndexVersion: 0,
    newestSignedTime: 0,
    cache: null,
  };
}
