/** What the Hermes entries (suite.ts, bench.ts) share: the input the runner passes, and output. */
import { CoseRejectedError, DeltaError, OtaError } from "../src/errors.js";
import { LogEntryRejectedError } from "../src/transparency.js";

export interface SuiteInput {
  readonly documents: {
    keys: Record<string, string>;
    cases: { name: string; contentType: string; coseHex: string; valid: boolean; reason: string | null }[];
  };
  readonly decisions: {
    buckets: { rolloutId: string; deviceId: string; bucket: number }[];
    cases: {
      name: string;
      index: unknown;
      device: { deviceId: string; runtimeVersion: string; attributes: Record<string, string> };
      expected: { decision: string; releaseId?: string; mandatory: boolean };
    }[];
  };
  readonly wycheproof: {
    testGroups: { publicKey: { uncompressed: string }; tests: { tcId: number; msg: string; sig: string; result: string }[] }[];
  };
  /** cose-wg example file name -> its COSE message (hex). */
  readonly coseWg: Record<string, string>;
  readonly lifecycle: unknown;
  /** corpus file name -> base64 */
  readonly corpus: Record<string, string>;
  /** corpus file name -> SHA-256 hex computed by node:crypto */
  readonly corpusSha256: Record<string, string>;
  /** kvxd1 patches made by the Java encoder, base64 */
  readonly pairs: { from: string; to: string; patch: string }[];
  /** testdata/vectors/transparency.json: real Rekor v2 answers (optional in the bench) */
  readonly transparency?: {
    log: { origin: string; rawPubHex: string };
    releaseKey: { rawPubHex: string };
    cases: { name: string; manifestCoseHex: string; entry: string; expect: string }[];
  };
  /** testdata/vectors/keysets.json */
  readonly keysets?: {
    appId: string;
    pinnedRoots: Record<string, string>;
    cases: { name: string; trustedCoseHex: string | null; coseHex: string; now: string; valid: boolean; version?: number; signingKeys?: string[]; reason?: string }[];
  };
  /** bench only: repetitions per step */
  readonly runs?: number;
}

export interface HermesGlobals {
  __kivyxInput?: SuiteInput;
  print?: (line: string) => void;
}

/** "ok", or the reason a check refused: the reject reason / error code, else the error's name. */
export function outcome(fn: () => void): string {
  try {
    fn();
    return "ok";
  } catch (e) {
    if (e instanceof CoseRejectedError) return e.reason;
    if (e instanceof OtaError) return e.code;
    if (e instanceof DeltaError) return `DeltaError: ${e.message}`;
    if (e instanceof LogEntryRejectedError) return e.reason;
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

/** Prints one JSON line (Hermes: print; Node runs the bundle with a print that collects it). */
export function report(value: unknown): void {
  const out = (globalThis as HermesGlobals).print;
  if (out === undefined) throw new Error("no print() in this VM");
  out(JSON.stringify(value));
}
