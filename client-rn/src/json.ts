/**
 * A strict JSON reader for signed payloads: valid UTF-8, duplicate keys refused, no trailing
 * data, numbers kept apart as integers (safe range) or non-integers. JSON.parse silently keeps
 * the last of two equal keys, which would let a parser difference change a signed meaning.
 */
import { utf8DecodeStrict } from "./bytes.js";
import { InvalidDocumentError } from "./errors.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const MAX_DEPTH = 64;

export function parseStrictJson(bytes: Uint8Array, what = "JSON"): JsonValue {
  const text = utf8DecodeStrict(bytes);
  if (text === null) throw new InvalidDocumentError(`${what} is not valid UTF-8`);
  return parseStrictJsonText(text, what);
}

export function parseStrictJsonText(text: string, what = "JSON"): JsonValue {
  let pos = 0;
  const fail = (msg: string): never => {
    throw new InvalidDocumentError(`invalid ${what}: ${msg} at character ${pos}`);
  };
  const ws = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail("nesting too deep");
    ws();
    const c = text[pos];
    if (c === "{") {
      pos++;
      const obj: JsonObject = Object.create(null) as JsonObject;
      const seen = new Set<string>();
      ws();
      if (text[pos] === "}") {
        pos++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail("expected a string key");
        const key = string();
        if (seen.has(key)) fail(`duplicate key '${key}'`);
        seen.add(key);
        ws();
        if (text[pos] !== ":") fail("expected ':'");
        pos++;
        obj[key] = value(depth + 1);
        ws();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        if (text[pos] === "}") {
          pos++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      pos++;
      const arr: JsonValue[] = [];
      ws();
      if (text[pos] === "]") {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        if (text[pos] === "]") {
          pos++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (text.startsWith("true", pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith("false", pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith("null", pos)) {
      pos += 4;
      return null;
    }
    return number();
  };
  const string = (): string => {
    pos++; // opening quote
    let out = "";
    for (;;) {
      if (pos >= text.length) fail("unterminated string");
      const ch = text.charCodeAt(pos);
      if (ch === 0x22) {
        pos++;
        return out;
      }
      if (ch < 0x20) fail("control character in string");
      if (ch === 0x5c) {
        const e = text[pos + 1];
        pos += 2;
        switch (e) {
          case '"':
            out += '"';
            break;
          case "\\":
            out += "\\";
            break;
          case "/":
            out += "/";
            break;
          case "b":
            out += "\b";
            break;
          case "f":
            out += "\f";
            break;
          case "n":
            out += "\n";
            break;
          case "r":
            out += "\r";
            break;
          case "t":
            out += "\t";
            break;
          case "u": {
            const hex = text.substr(pos, 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
            out += String.fromCharCode(parseInt(hex, 16));
            pos += 4;
            break;
          }
          default:
            fail("bad escape");
        }
        continue;
      }
      out += text[pos];
      pos++;
    }
  };
  const number = (): number => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(pos, pos + 400));
    if (m === null) return fail("unexpected token");
    pos += m[0].length;
    const v = Number(m[0]);
    if (m[2] === undefined && m[3] === undefined && !Number.isSafeInteger(v)) fail("integer out of range");
    if (m[2] !== undefined || m[3] !== undefined) {
      // Keep non-integers distinguishable even when they equal an integer (1.0, 1e0).
      return v + NON_INTEGER_MARK;
    }
    return v;
  };
  const result = value(0);
  ws();
  if (pos !== text.length) fail("trailing data after the JSON value");
  return result;
}

/**
 * Non-integers are shifted by a tiny non-representable amount so that a field reader that
 * requires an integer refuses `1.0` (Jackson with ACCEPT_FLOAT_AS_INT off refuses it too).
 * Only integer fields matter to this client; no signed field is a fraction.
 */
const NON_INTEGER_MARK = 0.5 ** 30;

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
