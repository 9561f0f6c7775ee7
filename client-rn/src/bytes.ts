/**
 * Byte helpers that work on Hermes: no Buffer, no TextEncoder/TextDecoder (Hermes before
 * React Native 0.74 has neither), no atob. The per-byte loops index typed arrays directly and
 * call nothing, which is what an interpreter runs fastest.
 */
import { sha256 } from "./sha256.js";

export { Sha256, sha256 } from "./sha256.js";

export function sha256Hex(data: Uint8Array): string {
  return toHex(sha256(data));
}

const HEX = "0123456789abcdef";

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error("invalid hex string");
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.substr(i * 2, 2), 16);
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** UTF-8 encoding of a JS string (lone surrogates become U+FFFD, as TextEncoder does). */
export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      c = 0xfffd;
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Strict UTF-8 decoding: returns null for any malformed, overlong or surrogate sequence. */
export function utf8DecodeStrict(bytes: Uint8Array, start = 0, end = bytes.length): string | null {
  let out = "";
  let i = start;
  const chunk: number[] = [];
  const flush = (): void => {
    out += String.fromCharCode.apply(null, chunk);
    chunk.length = 0;
  };
  while (i < end) {
    const b0 = bytes[i]!;
    let cp: number;
    if (b0 < 0x80) {
      cp = b0;
      i += 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      if (i + 1 >= end) return null;
      const b1 = bytes[i + 1]!;
      if ((b1 & 0xc0) !== 0x80) return null;
      cp = ((b0 & 0x1f) << 6) | (b1 & 0x3f);
      i += 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      if (i + 2 >= end) return null;
      const b1 = bytes[i + 1]!;
      const b2 = bytes[i + 2]!;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return null;
      cp = ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return null;
      i += 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      if (i + 3 >= end) return null;
      const b1 = bytes[i + 1]!;
      const b2 = bytes[i + 2]!;
      const b3 = bytes[i + 3]!;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) return null;
      cp = ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
      if (cp < 0x10000 || cp > 0x10ffff) return null;
      i += 4;
    } else {
      return null;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      chunk.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      chunk.push(cp);
    }
    if (chunk.length > 4096) flush();
  }
  flush();
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const INVALID = 255;
/** char code -> 6-bit value, INVALID for anything outside the alphabet (including '='). */
const B64_VALUE = new Uint8Array(256).fill(INVALID);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;
const B64_CODE = new Uint8Array(64);
for (let i = 0; i < 64; i++) B64_CODE[i] = B64.charCodeAt(i);

/** Strict standard base64 (with padding; whitespace is refused). */
export function base64Decode(text: string): Uint8Array {
  const n = text.length;
  if (n % 4 !== 0) throw new Error("base64 length is not a multiple of 4");
  let pad = 0;
  if (n > 0 && text.charCodeAt(n - 1) === 61) pad = text.charCodeAt(n - 2) === 61 ? 2 : 1;
  const out = new Uint8Array((n / 4) * 3 - pad);
  const value = B64_VALUE;
  const full = pad === 0 ? n : n - 4;
  let o = 0;
  let bad = 0;
  for (let i = 0; i < full; i += 4) {
    const a = value[text.charCodeAt(i) & 255]!;
    const b = value[text.charCodeAt(i + 1) & 255]!;
    const c = value[text.charCodeAt(i + 2) & 255]!;
    const d = value[text.charCodeAt(i + 3) & 255]!;
    // INVALID has bit 7 set, which no 6-bit value has; chars above 255 are caught below.
    bad |= a | b | c | d;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o] = v >> 16;
    out[o + 1] = v >> 8;
    out[o + 2] = v;
    o += 3;
  }
  if (pad > 0) {
    const a = value[text.charCodeAt(n - 4) & 255]!;
    const b = value[text.charCodeAt(n - 3) & 255]!;
    const c = pad === 2 ? 0 : value[text.charCodeAt(n - 2) & 255]!;
    bad |= a | b | c;
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o] = v >> 16;
    if (pad === 1) out[o + 1] = v >> 8;
  }
  if ((bad & 0x80) !== 0 || !latin1Only(text)) throw new Error("invalid base64 character");
  return out;
}

function latin1Only(text: string): boolean {
  // Only reached after the fast loop, whose `& 255` would map e.g. U+0141 onto 'A'.
  return !/[^\x00-\xff]/.test(text);
}

export function base64Encode(bytes: Uint8Array): string {
  const code = B64_CODE;
  const n = bytes.length;
  const chunks: string[] = [];
  // Build 3 KiB-of-input chunks from char codes: string concatenation per byte is slow on Hermes.
  const buf = new Array<number>(4096);
  for (let start = 0; start < n; start += 3072) {
    const end = Math.min(n, start + 3072);
    let o = 0;
    let i = start;
    for (; i + 3 <= end; i += 3) {
      const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      buf[o] = code[v >> 18]!;
      buf[o + 1] = code[(v >> 12) & 63]!;
      buf[o + 2] = code[(v >> 6) & 63]!;
      buf[o + 3] = code[v & 63]!;
      o += 4;
    }
    if (i < end) {
      const b1 = i + 1 < end ? bytes[i + 1]! : 0;
      const v = (bytes[i]! << 16) | (b1 << 8);
      buf[o] = code[v >> 18]!;
      buf[o + 1] = code[(v >> 12) & 63]!;
      buf[o + 2] = i + 1 < end ? code[(v >> 6) & 63]! : 61;
      buf[o + 3] = 61;
      o += 4;
    }
    buf.length = o;
    chunks.push(String.fromCharCode.apply(null, buf));
    buf.length = 4096;
  }
  return chunks.join("");
}
