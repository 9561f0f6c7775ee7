/**
 * Batched device events to `POST {serverUrl}v1/events`: a bounded queue kept in storage,
 * retried with backoff, never awaited by the app's own calls.
 */
import { utf8Encode } from "./bytes.js";
import type { RollbackReason } from "./lifecycle.js";
import type { HttpPort, StoragePort } from "./ports.js";

export type EventType = "downloaded" | "applied" | "healthy" | "crashed" | "rolledBack";

/**
 * A bounded code: why a trial launch crashed or a release was rolled back, or that an app-store
 * update reset the device. The server counts it as the `reason` label of its device-event metric
 * (an unknown one as `other`) and the crash guardrail reports it beside a halt; free text goes in
 * `detail`, which is never counted.
 */
export type EventReason = RollbackReason | "jsError" | "verifyFailed" | "binaryChanged";

/** Every reason the server counts under its own name (core's TrialReason). */
export const EVENT_REASONS = [
  "notMarkedHealthy",
  "launchTimeout",
  "crashedBeforeJs",
  "jsError",
  "verifyFailed",
  "binaryChanged",
] as const satisfies readonly EventReason[];

export interface OtaEvent {
  type: EventType;
  appId: string;
  platform: string;
  channel: string;
  releaseId: string;
  deviceId: string;
  time: string;
  detail?: string;
  reason?: EventReason;
}

export interface TelemetryOptions {
  readonly maxQueue?: number;
  readonly batchSize?: number;
  readonly maxBackoffMs?: number;
}

const KEY = "kivyx-ota/events";

export class Telemetry {
  private queue: OtaEvent[] | null = null;
  private inflight: Promise<void> | null = null;
  private failures = 0;
  private notBefore = 0;
  private readonly maxQueue: number;
  private readonly batchSize: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly endpoint: string | null,
    private readonly http: HttpPort,
    private readonly storage: StoragePort,
    private readonly now: () => number,
    options: TelemetryOptions = {},
  ) {
    this.maxQueue = options.maxQueue ?? 200;
    this.batchSize = options.batchSize ?? 50;
    this.maxBackoffMs = options.maxBackoffMs ?? 10 * 60_000;
  }

  private async load(): Promise<OtaEvent[]> {
    if (this.queue === null) {
      try {
        const raw = await this.storage.getItem(KEY);
        const parsed: unknown = raw === null ? [] : JSON.parse(raw);
        this.queue = Array.isArray(parsed) ? (parsed as OtaEvent[]) : [];
      } catch {
        this.queue = [];
      }
    }
    return this.queue;
  }

  private async save(): Promise<void> {
    try {
      await this.storage.setItem(KEY, JSON.stringify(this.queue ?? []));
    } catch {
      // telemetry must never break the app
    }
  }

  /** Adds an event (dropping the oldest beyond the bound). Only in dynamic mode is anything sent. */
  async record(event: OtaEvent): Promise<void> {
    if (this.endpoint === null) return;
    const q = await this.load();
    q.push(event);
    if (q.length > this.maxQueue) q.splice(0, q.length - this.maxQueue);
    await this.save();
  }

  /** Starts a flush in the background; errors are swallowed. */
  flushSoon(): void {
    void this.flush().catch(() => undefined);
  }

  /** Sends queued events in batches until the queue is empty or the server fails. */
  async flush(): Promise<void> {
    if (this.endpoint === null) return;
    if (this.inflight !== null) return this.inflight;
    this.inflight = this.doFlush().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  async pending(): Promise<number> {
    return (await this.load()).length;
  }

  private async doFlush(): Promise<void> {
    const endpoint = this.endpoint;
    if (endpoint === null || this.now() < this.notBefore) return;
    const q = await this.load();
    while (q.length > 0) {
      const batch = q.slice(0, this.batchSize);
      let status = 0;
      try {
        status = (
          await this.http.post(endpoint, utf8Encode(JSON.stringify({ events: batch })), {
            "content-type": "application/json",
          }, 10_000)
        ).status;
      } catch {
        status = 0;
      }
      if ((status >= 200 && status < 300) || (status >= 400 && status < 500 && status !== 429 && status !== 408)) {
        // Sent, or refused for good (a 4xx would be refused again): either way drop the batch.
        q.splice(0, batch.length);
        this.failures = 0;
        this.notBefore = 0;
        await this.save();
        continue;
      }
      this.failures++;
      this.notBefore = this.now() + Math.min(this.maxBackoffMs, 1000 * 2 ** Math.min(this.failures, 20));
      return;
    }
  }
}
