/** @kivyx-ota/client-react-native: verified OTA updates for React Native. */
import { CheckResult, HealthResult, OtaClient, OtaClientOptions, createOtaClient } from "./client.js";

export { createOtaClient, setDefaultPorts } from "./client.js";
export type { CheckResult, CheckStatus, HealthOptions, HealthResult, OtaClient, OtaClientOptions, OtaState } from "./client.js";
export type { BundlePort, HttpGetOptions, HttpPort, HttpResponse, Ports, StoragePort } from "./ports.js";
export { HttpTooLargeError } from "./ports.js";
export { CoseVerifier, CONTENT_TYPE_CHANNEL_INDEX, CONTENT_TYPE_RELEASE, parsePublicKey, verifyEs256 } from "./cose.js";
export type { PublicKeySpec, VerifiedDocument } from "./cose.js";
export { decide, bucket, candidates } from "./decision.js";
export type { Decision, DecisionKind, DeviceInfo } from "./decision.js";
export { readChannelIndex, readReleaseManifest } from "./documents.js";
export type { ChannelIndex, ChannelRelease, LogEntryRef, ReleaseManifest, Asset, DeltaRef, Targeting } from "./documents.js";
export { applyKvxd1, readKvxd1Header } from "./delta.js";
export { CoseRejectedError, DeltaError, InvalidDocumentError, OtaError } from "./errors.js";
export type { RejectReason } from "./errors.js";
export type { OtaEvent, EventType, EventReason } from "./telemetry.js";
export { EVENT_REASONS } from "./telemetry.js";
export { LogEntryRejectedError, verifyManifestLogEntry, verifyInclusion } from "./transparency.js";
export type { LogRejectReason, PinnedLog, TransparencyMode, VerifiedLogEntry } from "./transparency.js";

let defaultClient: OtaClient | null = null;

/** Configures the default client used by the top-level functions. */
export function configure(options: OtaClientOptions): OtaClient {
  defaultClient = createOtaClient(options);
  return defaultClient;
}

function client(options?: OtaClientOptions): OtaClient {
  if (options !== undefined) return configure(options);
  if (defaultClient === null) {
    throw new Error("the default Kivyx OTA client is not configured: call configure(options) or pass options first");
  }
  return defaultClient;
}

/** Seed-style: checks for an update with the default client (configured from `options` when given). */
export function checkAndApply(options?: OtaClientOptions): Promise<CheckResult> {
  return client(options).checkAndApply();
}

/** At startup: promotes a staged bundle to trial, or rolls back one that never proved healthy. */
export function ensureHealthyOrRollback(options?: OtaClientOptions): Promise<HealthResult> {
  return client(options).ensureHealthyOrRollback();
}

/** Once the new bundle runs well. */
export function markHealthy(): Promise<void> {
  return client().markHealthy();
}
