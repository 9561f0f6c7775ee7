import assert from "node:assert/strict";
import { test } from "node:test";
import type { HttpPort } from "../../src/ports.js";
import { Telemetry } from "../../src/telemetry.js";
import { MemoryStorage } from "../support.js";

/** Records what a batch POST carries; answers 202 as the server does. */
class RecordingHttp implements HttpPort {
  readonly bodies: unknown[] = [];
  get(): never {
    throw new Error("telemetry only posts");
  }
  async post(_url: string, body: Uint8Array): Promise<{ readonly status: number }> {
    this.bodies.push(JSON.parse(new TextDecoder().decode(body)));
    return { status: 202 };
  }
}

test("a rollback's reason code travels in the event body beside its free-text detail", async () => {
  const http = new RecordingHttp();
  const telemetry = new Telemetry("http://server/v1/events", http, new MemoryStorage(), () => 0);
  await telemetry.record({
    type: "rolledBack",
    appId: "com.example",
    platform: "android",
    channel: "production",
    releaseId: "r1",
    deviceId: "d-1",
    time: "2026-12-01T10:00:00.000Z",
    reason: "crashedBeforeJs",
    detail: "native: bundle exited before JS",
  });
  await telemetry.flush();
  assert.deepEqual(http.bodies, [
    {
      events: [
        {
          type: "rolledBack",
          appId: "com.example",
          platform: "android",
          channel: "production",
          releaseId: "r1",
          deviceId: "d-1",
          time: "2026-12-01T10:00:00.000Z",
          reason: "crashedBeforeJs",
          detail: "native: bundle exited before JS",
        },
      ],
    },
  ]);
});
