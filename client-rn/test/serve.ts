import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { jarPath } from "./jar.js";

/** A `kivyx-ota serve` process of the jar under test, on a free loopback port. */
export interface RunningServer {
  /** `http://127.0.0.1:PORT/` */
  readonly base: string;
  /** Everything the server printed so far (stdout and stderr). */
  log(): string;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      s.close(() => ok(port));
    });
  });
}

/** Starts `kivyx-ota serve ARGS --port P --host 127.0.0.1` and waits (60 s at most) until /readyz answers 200. */
export async function startServe(args: string[]): Promise<RunningServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/`;
  let output = "";
  const server: ChildProcess = spawn("java", ["-jar", jarPath(), "serve", ...args, "--port", String(port), "--host", "127.0.0.1"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  server.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const running: RunningServer = {
    base,
    log: () => output,
    stop: () => {
      if (server.exitCode === null) server.kill("SIGTERM");
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`kivyx-ota serve exited with ${server.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${base}readyz`)).status === 200) return running;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      running.stop();
      throw new Error(`kivyx-ota serve not ready after 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
