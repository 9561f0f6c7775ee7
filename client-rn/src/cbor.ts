/**
 * A strict CBOR decoder for signed documents, a port of the Java `CborReader`: definite
 * lengths only, shortest-form heads, unique map keys, no floats, nesting <= 16, nothing after
 * the item. One set of bytes has one meaning on both sides.
 */
import { toHex, utf8DecodeStrict } from "./bytes.js";
import { CoseRejectedError } from "./errors.js";

export type CborItem =
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "bytes"; readonly value: Uint8Array }
  | { readonly kind: "text"; readonly value: string }
  | { readonly kind: "array"; readonly items: readonly CborItem[] }
  | { readonly kind: "map"; readonly entries: readonly CborEntry[] }
  | { readonly kind: "tagged"; readonly tag: bigint; readonly content: CborItem }
  | { readonly kind: "simple"; readonly value: number };

export interface CborEntry {
  readonly key: CborItem;
  readonly value: CborItem;
}

export const SIMPLE_FALSE = 20;
export const SIMPLE_TRUE = 21;
export const SIMPLE_NULL = 22;
export const SIMPLE_UNDEFINED = 23;

const MAX_DEPTH = 16;
const INT64_MAX = (1n << 63n) - 1n;

class Reader {
  pos = 0;
  constructor(readonly input: Uint8Array) {}

  readItem(depth: number): CborItem {
    if (depth > MAX_DEPTH) throw malformed(`nesting deeper than ${MAX_DEPTH}`);
    const initial = this.readByte();
    const major = initial >>> 5;
    const info = initial & 0x1f;
    if (info === 31) {
      throw new CoseRejectedError("INDEFINITE_LENGTH", `indefinite length (major type ${major})`);
    }
    if (major === 7) return readSimple(info);
    const arg = this.readArgument(info);
    switch (major) {
      case 0:
        if (arg > INT64_MAX) throw malformed("unsigned integer beyond the range of a 64-bit signed integer");
        return { kind: "int", value: arg };
      case 1:
        if (arg > INT64_MAX) throw malformed("negative integer beyond the range of a 64-bit signed integer");
        return { kind: "int", value: -1n - arg };
      case 2:
        return { kind: "bytes", value: this.readBytes(arg) };
      case 3: {
        const raw = this.readBytes(arg);
        const text = utf8DecodeStrict(raw);
        if (text === null) throw malformed("text string is not valid UTF-8");
        return { kind: "text", value: text };
      }
      case 4: {
        this.requireAvailable(arg);
        const items: CborItem[] = [];
        for (let i = 0n; i < arg; i++) items.push(this.readItem(depth + 1));
        return { kind: "array", items };
      }
      case 5: {
        this.requireAvailable(arg);
        const entries: CborEntry[] = [];
        const seen = new Set<string>();
        for (let i = 0n; i < arg; i++) {
          const keyStart = this.pos;
          const key = this.readItem(depth + 1);
          const keyBytes = toHex(this.input.subarray(keyStart, this.pos));
          if (seen.has(keyBytes)) {
            throw new CoseRejectedError("DUPLICATE_MAP_KEY", `duplicate map key ${describe(key)}`);
          }
          seen.add(keyBytes);
          entries.push({ key, value: this.readItem(depth + 1) });
        }
        return { kind: "map", entries };
      }
      case 6:
        return { kind: "tagged", tag: arg, content: this.readItem(depth + 1) };
      default:
        throw new Error(`major type ${major}`);
    }
  }

  /** Reads a head's argument and refuses a longer encoding than the value needs. */
  readArgument(info: number): bigint {
    if (info < 24) return BigInt(info);
    let size: number;
    let min: bigint;
    switch (info) {
      case 24:
        size = 1;
        min = 24n;
        break;
      case 25:
        size = 2;
        min = 0x100n;
        break;
      case 26:
        size = 4;
        min = 0x10000n;
        break;
      case 27:
        size = 8;
        min = 0x100000000n;
        break;
      default:
        throw malformed(`reserved additional information ${info}`);
    }
    let value = 0n;
    for (let i = 0; i < size; i++) value = (value << 8n) | BigInt(this.readByte());
    if (value < min) {
      throw new CoseRejectedError("NON_CANONICAL_CBOR", `value ${value} not in its shortest encoding`);
    }
    return value;
  }

  readBytes(length: bigint): Uint8Array {
    this.requireAvailable(length);
    const n = Number(length);
    const out = this.input.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  requireAvailable(length: bigint): void {
    if (length < 0n || length > BigInt(this.input.length - this.pos)) {
      throw malformed(`length ${length} runs past the end of the input`);
    }
  }

  readByte(): number {
    if (this.pos >= this.input.length) throw malformed(`unexpected end of input at byte ${this.pos}`);
    return this.input[this.pos++]!;
  }
}

function readSimple(info: number): CborItem {
  if (info >= 20 && info <= 23) return { kind: "simple", value: info };
  throw malformed(`simple value or float (additional info ${info}) is not allowed`);
}

function malformed(message: string): CoseRejectedError {
  return new CoseRejectedError("MALFORMED_CBOR", message);
}

function describe(item: CborItem): string {
  switch (item.kind) {
    case "int":
      return String(item.value);
    case "text":
      return JSON.stringify(item.value);
    default:
      return item.kind;
  }
}

/** Decodes exactly one item that spans all of `bytes`. */
export function decodeCbor(bytes: Uint8Array): CborItem {
  const reader = new Reader(bytes);
  const item = reader.readItem(0);
  if (reader.pos !== bytes.length) {
    throw new CoseRejectedError(
      "TRAILING_BYTES",
      `${bytes.length - reader.pos} byte(s) after the end of the CBOR item`,
    );
  }
  return item;
}

/** The value stored under an integer label in a CBOR map. */
export function mapGetInt(map: CborItem & { kind: "map" }, label: bigint): CborItem | undefined {
  for (const e of map.entries) {
    if (e.key.kind === "int" && e.key.value === label) return e.value;
  }
  return undefined;
}

/** Minimal definite-length writer for what the verifier needs to build (Sig_structure). */
export class CborWriter {
  private readonly parts: number[] = [];

  private head(major: number, value: number): void {
    const m = major << 5;
    if (value < 24) this.parts.push(m | value);
    else if (value < 0x100) this.parts.push(m | 24, value);
    else if (value < 0x10000) this.parts.push(m | 25, value >> 8, value & 255);
    else if (value <= 0xffffffff) {
      this.parts.push(m | 26, (value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
    } else {
      throw new Error("CBOR writer: lengths above 4 GiB are not supported");
    }
  }

  arrayHeader(n: number): this {
    this.head(4, n);
    return this;
  }

  mapHeader(n: number): this {
    this.head(5, n);
    return this;
  }

  tag(n: number): this {
    this.head(6, n);
    return this;
  }

  integer(v: number): this {
    if (v >= 0) this.head(0, v);
    else this.head(1, -1 - v);
    return this;
  }

  bytes(b: Uint8Array): this {
    this.head(2, b.length);
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]!);
    return this;
  }

  text(s: string, utf8: Uint8Array): this {
    void s;
    this.head(3, utf8.length);
    for (let i = 0; i < utf8.length; i++) this.parts.push(utf8[i]!);
    return this;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
