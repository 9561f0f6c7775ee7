import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { type AddressInfo } from "node:net";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { nodeHttp, nodeStorage } from "../../src/node.js";
import { HttpTooLargeError } from "../../src/ports.js";

const body = new Uint8Array(300_000).map((_, i) => (i * 31) & 255);
let base = "";
const server = createServer((req, res) => {
  if (req.url === "/undeclared") {
    // No content-length: the cap must cut the stream itself.
    res.writeHead(200, { "transfer-encoding": "chunked" });
    for (let i = 0; i < body.length; i += 10_000) res.write(body.subarray(i, i + 10_000));
    res.end();
  } else if (req.url === "/blob") {
    res.writeHead(200, { "content-length": String(body.length) });
    res.end(body);
  } else {
    res.writeHead(404);
    res.end();
  }
});
const dir = mkdtempSync(join(tmpdir(), "kivyx-node-ports-"));
before(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

test("downloadToFile streams to the file and hashes while streaming", async () => {
  const target = join(dir, "files", "a", "blob");
  const r = await nodeHttp().downloadToFile!(`${base}/blob`, target, { maxBytes: body.length });
  assert.deepEqual(r, { status: 200, size: body.length, sha256: sha(body) });
  assert.deepEqual(new Uint8Array(readFileSync(target)), body);
  assert.equal(await nodeStorage(dir).sha256File!("a/blob"), sha(body));
  assert.equal(await nodeStorage(dir).sha256File!("a/missing"), null);
});

test("downloadToFile stops past the cap, declared or not, and leaves no file", async () => {
  for (const path of ["/blob", "/undeclared"]) {
    const target = join(dir, "files", "cut", path.slice(1));
    await assert.rejects(nodeHttp().downloadToFile!(`${base}${path}`, target, { maxBytes: body.length - 1 }), HttpTooLargeError, path);
    assert.equal(existsSync(target), false, path);
    assert.deepEqual(existsSync(join(dir, "files", "cut")) ? readdirSync(join(dir, "files", "cut")) : [], [], `${path}: no temporary file`);
  }
});

test("downloadToFile writes nothing for another status", async () => {
  const target = join(dir, "files", "nothing");
  assert.deepEqual(await nodeHttp().downloadToFile!(`${base}/none`, target, { maxBytes: 10 }), { status: 404 });
  assert.equal(existsSync(target), false);
});
