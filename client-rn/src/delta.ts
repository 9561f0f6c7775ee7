/**
 * kvxd1 patch decoder in pure JS (core/.../delta/FORMAT.md): one Brotli stream around a
 * payload of header, column-wise controls, the diff block as non-zero runs, and extra bytes.
 * Every length is bounded by the header and the caller's cap before anything is allocated,
 * and the result is handed out only after its SHA-256 matches (hashed once, here: a caller that
 * passes `expectedNewSha256` need not hash the result again).
 */
import { decompress } from "brotli/decompress";
import { equalBytes, sha256, toHex } from "./bytes.js";
import { DeltaError } from "./errors.js";

const MAGIC = [0x4b, 0x56, 0x58, 0x44];
const VERSION = 1;
const MAX_VARINT_BYTES = 5;
export const KVXD1_MAX_FILE_SIZE = 2 ** 31 - 65;
/** magic + version + 6 varints + two hashes */
const MAX_HEADER_BYTES = 5 + 5 * 6 + 64;

function corrupt(what: string): DeltaError {
  return new DeltaError(`corrupt kvxd1 patch: ${what}`);
}

function maxSectionsTotal(newSize: number): number {
  return 2 * newSize + 1024;
}

class Cursor {
  pos: number;
  constructor(
    readonly data: Uint8Array,
    readonly name: string,
    readonly end: number = data.length,
    start = 0,
  ) {
    this.pos = start;
  }

  hasMore(): boolean {
    return this.pos < this.end;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.end) throw corrupt(`the ${this.name} section ends inside a varint`);
      const b = this.data[this.pos++]!;
      value += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return value;
    }
    throw corrupt(`a varint in the ${this.name} section is longer than 5 bytes`);
  }

  signedVarint(): number {
    const u = this.varint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  skipVarints(n: number): void {
    for (let i = 0; i < n; i++) this.varint();
  }

  take(n: number, what: string): Uint8Array {
    if (n > this.end - this.pos) throw corrupt(`the payload ends inside the ${what}`);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

export interface Kvxd1Header {
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldSha256: string;
  readonly newSha256: string;
}

function decompressPayload(patch: Uint8Array, maxNewSize: number): Uint8Array {
  const cap = MAX_HEADER_BYTES + maxSectionsTotal(maxNewSize) + 100;
  try {
    return decompress(patch, cap);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/not large enough/.test(msg)) {
      throw new DeltaError(`corrupt kvxd1 patch: the payload is larger than ${cap} bytes`);
    }
    throw new DeltaError(`corrupt kvxd1 patch: the Brotli stream does not decode (${msg})`);
  }
}

function readHeader(p: Cursor): Kvxd1Header {
  const magic = p.take(5, "magic");
  for (let i = 0; i < 4; i++) {
    if (magic[i] !== MAGIC[i]) {
      throw new DeltaError('not a kvxd1 patch: wrong magic (expected "KVXD" at the start of the payload)');
    }
  }
  if (magic[4] !== VERSION) throw new DeltaError(`unsupported kvxd format version ${magic[4]}`);
  const oldSize = p.varint();
  const newSize = p.varint();
  if (oldSize > KVXD1_MAX_FILE_SIZE || newSize > KVXD1_MAX_FILE_SIZE) {
    throw corrupt("a declared file size is above the format's limit");
  }
  const oldSha256 = toHex(p.take(32, "old SHA-256"));
  const newSha256 = toHex(p.take(32, "new SHA-256"));
  return { oldSize, newSize, oldSha256, newSha256 };
}

export interface ApplyOptions {
  /** Largest new file accepted, e.g. the signed size of the launch asset. */
  readonly maxNewSize: number;
  /** SHA-256 (hex) of the old file, when the caller already knows it (saves hashing it again). */
  readonly oldSha256?: string;
  /**
   * SHA-256 (hex) the result must have, e.g. the signed launch asset's. A patch that promises
   * anything else is refused before decoding; the result is then checked against it once.
   */
  readonly expectedNewSha256?: string;
}

/** Returns the new file that `patch` makes from `oldData`, or throws a DeltaError. */
export function applyKvxd1(oldData: Uint8Array, patch: Uint8Array, options: ApplyOptions): Uint8Array {
  const maxNewSize = Math.min(options.maxNewSize, KVXD1_MAX_FILE_SIZE);
  const payload = decompressPayload(patch, maxNewSize);
  const p = new Cursor(payload, "payload");
  const h = readHeader(p);
  const oldSha = options.oldSha256 ?? toHex(sha256(oldData));
  if (h.oldSize !== oldData.length || h.oldSha256 !== oldSha) {
    throw new DeltaError(
      `patch was made for another old file (sha256 ${h.oldSha256}, ${h.oldSize} bytes), ` +
        `but the old file has sha256 ${oldSha} (${oldData.length} bytes)`,
    );
  }
  if (h.newSize > maxNewSize) {
    throw new DeltaError(
      `patch declares a new file of ${h.newSize} bytes, over the allowed maximum of ${maxNewSize} bytes`,
    );
  }
  if (options.expectedNewSha256 !== undefined && h.newSha256 !== options.expectedNewSha256) {
    throw new DeltaError(
      `patch makes a file with sha256 ${h.newSha256}, not the expected ${options.expectedNewSha256}`,
    );
  }
  const newSize = h.newSize;
  const controlsLen = p.varint();
  const runsLen = p.varint();
  const diffLen = p.varint();
  const extraLen = p.varint();
  if (diffLen + extraLen > newSize || controlsLen + runsLen + diffLen + extraLen > maxSectionsTotal(newSize)) {
    throw corrupt(
      `sections (controls ${controlsLen}, runs ${runsLen}, diff ${diffLen}, extra ${extraLen} bytes) ` +
        `are too large for a ${newSize}-byte new file`,
    );
  }
  const controls = p.take(controlsLen, "controls");
  const runsBytes = p.take(runsLen, "runs");
  const literals = p.take(diffLen, "diff bytes");
  const extra = p.take(extraLen, "extra bytes");
  if (p.hasMore()) throw corrupt("bytes after the extra section");
  const out = rebuild(oldData, newSize, controls, new Cursor(runsBytes, "runs"), literals, extra);
  if (!equalBytes(sha256(out), hexBytes(h.newSha256))) {
    throw new DeltaError(`patched file does not have the promised sha256 ${h.newSha256}; the patch is corrupt`);
  }
  return out;
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function rebuild(
  old: Uint8Array,
  newSize: number,
  controls: Uint8Array,
  runs: Cursor,
  literals: Uint8Array,
  extra: Uint8Array,
): Uint8Array {
  const adds = new Cursor(controls, "controls");
  const count = adds.varint();
  if (count > controls.length) {
    throw corrupt(`the controls section declares ${count} controls in ${controls.length} bytes`);
  }
  const extras = new Cursor(controls, "controls", controls.length, adds.pos);
  extras.skipVarints(count);
  const seeks = new Cursor(controls, "controls", controls.length, extras.pos);
  seeks.skipVarints(count);
  const end = new Cursor(controls, "controls", controls.length, seeks.pos);
  end.skipVarints(count);
  if (end.hasMore()) throw corrupt("the controls section has bytes after its three columns");

  const out = new Uint8Array(newSize);
  let newPos = 0;
  let oldPos = 0;
  let litPos = 0;
  let extraPos = 0;
  let zerosLeft = 0;
  let litLeft = 0;
  let runsDone = false;
  for (let c = 0; c < count; c++) {
    const add = adds.varint();
    const extraRun = extras.varint();
    const seek = seeks.signedVarint();
    if (add > newSize - newPos || extraRun > newSize - newPos - add) {
      throw corrupt(`a control writes past the declared new size of ${newSize} bytes`);
    }
    if (add > 0 && (oldPos < 0 || oldPos + add > old.length)) {
      throw corrupt(`a control reads outside the old file (offset ${oldPos}, ${add} bytes)`);
    }
    if (add > 0) out.set(old.subarray(oldPos, oldPos + add), newPos);
    let at = newPos;
    let remaining = add;
    let carry = 0;
    while (remaining > 0) {
      if (zerosLeft === 0 && litLeft === 0) {
        if (runs.hasMore()) {
          zerosLeft = runs.varint();
          litLeft = runs.varint();
          if (litLeft === 0) throw corrupt("a diff run has length 0");
        } else {
          runsDone = true;
          zerosLeft = Number.MAX_SAFE_INTEGER;
          continue;
        }
      }
      if (zerosLeft > 0) {
        // A zero digit still takes the carry; once the carry is spent, skip the rest at once.
        while (carry !== 0 && zerosLeft > 0 && remaining > 0) {
          const s = out[at]! + carry;
          out[at] = s & 0xff;
          carry = s >> 8;
          at++;
          remaining--;
          zerosLeft--;
        }
        const k = Math.min(zerosLeft, remaining);
        at += k;
        remaining -= k;
        zerosLeft -= k;
      } else {
        const k = Math.min(litLeft, remaining);
        if (k > literals.length - litPos) throw corrupt("diff runs need more diff bytes than the patch holds");
        for (let j = 0; j < k; j++) {
          const d = literals[litPos + j]!;
          const s = out[at + j]! + (d > 127 ? d - 256 : d) + carry;
          out[at + j] = s & 0xff;
          carry = s >> 8;
        }
        at += k;
        litPos += k;
        remaining -= k;
        litLeft -= k;
      }
    }
    newPos += add;
    if (extraRun > extra.length - extraPos) throw corrupt("controls need more extra bytes than the patch holds");
    out.set(extra.subarray(extraPos, extraPos + extraRun), newPos);
    extraPos += extraRun;
    newPos += extraRun;
    oldPos += add + seek;
  }
  if (newPos !== newSize) throw corrupt(`controls produce ${newPos} bytes, the header declares ${newSize}`);
  if ((zerosLeft !== 0 && !runsDone) || litLeft !== 0 || runs.hasMore()) {
    throw corrupt("diff runs reach past the diff block");
  }
  if (litPos !== literals.length || extraPos !== extra.length) {
    throw corrupt("the patch holds diff or extra bytes that no control uses");
  }
  return out;
}

/** Reads only the header of a patch (which old file it needs, what it makes). */
export function readKvxd1Header(patch: Uint8Array, maxNewSize: number): Kvxd1Header {
  return readHeader(new Cursor(decompressPayload(patch, maxNewSize), "payload"));
}
