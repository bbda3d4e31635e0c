/**
 * JSON exactly as Django's `JSONSerializer` writes it: Python's
 * `json.dumps(obj, separators=(",", ":"))` with `ensure_ascii`, then read back as Latin-1.
 *
 * Numbers: a JavaScript number has no int/float distinction, so a whole number below 1e21 is
 * written as the exact Python int it holds (`1`, never `1.0`: Django's `1.0` comes back as `1`), and
 * any other number in Python's float `repr` form (`1e-05`, not `0.00001`; `1e+21`). Python ints
 * beyond 2^53 are read as the nearest double (`2**64` reads as `18446744073709552000`), as
 * `JSON.parse` does everywhere. Object keys keep
 * JavaScript's order (integer-like keys first), which Python reads as the same dict. Python's
 * `NaN`, `Infinity` and `-Infinity` (which `json.dumps` writes by default) read as JavaScript's and
 * are written back the same way. Nesting stops at {@linkcode MAX_JSON_DEPTH} both ways, near
 * Python's own recursion limit, so whatever is read can be written back on every engine.
 *
 * @module
 */

/**
 * How deeply arrays and objects may nest, read or written: Python's default recursion limit, which
 * Django's own `json.loads` cannot pass either.
 */
export const MAX_JSON_DEPTH = 1000;

const encoder = new TextEncoder();

/**
 * Python's `json.dumps(value, separators=(",", ":"))` (ensure_ascii on), byte for byte.
 *
 * @param value null, booleans, numbers, strings, arrays and plain objects, nested
 * @returns ASCII-only JSON text: every character from U+007F up is a lowercase `\uXXXX` escape, astral
 * characters as surrogate pairs; NaN and ±Infinity as Python's `NaN`, `Infinity`, `-Infinity`
 * @throws {TypeError} on anything Python's `json.loads` cannot give back: `undefined`, functions,
 * symbols, BigInt, Dates, Maps, Sets, class instances, typed arrays, array holes and circular
 * references
 * @throws {RangeError} when arrays and objects nest deeper than {@linkcode MAX_JSON_DEPTH}
 * @example
 * ```ts
 * import { pythonJsonDumps } from "@django-interop/session/signing";
 * console.log(pythonJsonDumps({ name: "Zoë", n: [1, 0.5, 1e-7] })); // {"name":"Zo\u00eb","n":[1,0.5,1e-07]}
 * ```
 */
export function pythonJsonDumps(value: unknown): string {
  const json = jsonText(value);
  return escapesAny(json) ? json.replace(NON_ASCII, escapeChar) : json;
}

/**
 * JSON of `value` that Python would write but perhaps for ensure_ascii: when every number in it
 * prints the same in both languages, the native serialiser's (5-10x faster than `write`, which
 * escapes as it goes).
 */
function jsonText(value: unknown): string {
  return plain(value, 0) ? JSON.stringify(value) : write(value, []);
}

/**
 * The bytes of {@linkcode pythonJsonDumps}`(value)`, in `room(length)`: the text is encoded once,
 * where finding that it needs no escape would take an encoding of its own and the bytes another.
 *
 * @param value as for `pythonJsonDumps`
 * @param room memory for at least `length` bytes
 * @returns the ASCII bytes, a view of what `room` gave
 * @throws as `pythonJsonDumps`
 */
export function pythonJsonBytes(value: unknown, room: (length: number) => Uint8Array): Uint8Array {
  let json = jsonText(value);
  let into = room(json.length);
  if (encodesUnescaped(json, into)) return into.subarray(0, json.length);
  json = json.replace(NON_ASCII, escapeChar);
  into = room(json.length);
  return into.subarray(0, encoder.encodeInto(json, into).written);
}

/**
 * Encodes `json` into `into` (at least `json.length` bytes); whether that wrote it whole, one byte a
 * character, with no DEL: then Python's ensure_ascii escapes nothing in it and the bytes are its.
 */
function encodesUnescaped(json: string, into: Uint8Array): boolean {
  const { read, written } = encoder.encodeInto(json, into);
  return read === json.length && written === read && !json.includes("\u007f");
}

/** Room for the UTF-8 of `SHORT` characters. */
const SHORT = 4096;
const scratch = new Uint8Array(3 * SHORT);

/**
 * Whether `json` has a character Python's ensure_ascii escapes: DEL or one past ASCII. For a
 * session-sized text, its UTF-8 is longer than it, or it has a DEL: 2-5x cheaper than the regex.
 */
function escapesAny(json: string): boolean {
  if (json.length <= SHORT) return !encodesUnescaped(json, scratch);
  NON_ASCII.lastIndex = 0;
  return NON_ASCII.test(json);
}

/** Past this depth `plain` gives up, and `write` finds any cycle (or writes the deep value). */
const PLAIN_DEPTH = 32;

/**
 * Whether `JSON.stringify(value)` writes what Python would: only strings, booleans, null, arrays
 * without holes and plain objects, and numbers whose shortest form is Python's too (safe integers
 * and finite numbers from 1e-4 up). Anything else is left to `write`, to write or to reject.
 */
function plain(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isSafeInteger(value) ||
        (Number.isFinite(value) && !Number.isInteger(value) && Math.abs(value) >= 1e-4);
    case "object": {
      if (value === null) return true;
      // JSON.stringify would call a toJSON (even an inherited one); `write` ignores it.
      if (depth === PLAIN_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === "function") {
        return false;
      }
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !plain(value[i], depth + 1)) return false;
        }
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!plain((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function write(value: unknown, path: object[]): string {
  switch (typeof value) {
    case "string":
      return writeString(value);
    case "number":
      return writeNumber(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      return writeContainer(value, path);
    default:
      throw new TypeError(`Object of type ${typeof value} is not JSON serializable for Django`);
  }
}

// Python escapes everything outside " "-"~" (json.encoder's ESCAPE_ASCII), so U+007F too.
const NON_ASCII = /[\u007f-\uffff]/g;

function escapeChar(c: string): string {
  return "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");
}

function writeString(value: string): string {
  // JSON.stringify already writes Python's escapes below U+0020 (\b \t \n \f \r, else \u00xx) and
  // escapes lone surrogates in lowercase; only the ensure_ascii step is left.
  const json = JSON.stringify(value);
  return escapesAny(json) ? json.replace(NON_ASCII, escapeChar) : json;
}

function writeNumber(value: number): string {
  // Python's json.dumps writes these (allow_nan=True) and json.loads reads them back.
  if (!Number.isFinite(value)) {
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }
  if (Number.isSafeInteger(value)) return String(value); // String(-0) is "0"
  // Below 1e21 Python gets the exact integer the double holds (2**60, not String()'s
  // 1152921504606847000); from 1e21 on String() uses exponent form, which is Python's float repr.
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return BigInt(value).toString();
  if (Math.abs(value) >= 1e21) return String(value);
  // Python's repr switches to exponent notation below 1e-4 and pads the exponent to two digits.
  if (Math.abs(value) >= 1e-4) return String(value);
  const [mantissa, exponent] = value.toExponential().split("e");
  const sign = exponent[0];
  return `${mantissa}e${sign}${exponent.slice(1).padStart(2, "0")}`;
}

function writeContainer(value: object, path: object[]): string {
  if (path.includes(value)) throw new TypeError("Circular reference detected");
  if (path.length >= MAX_JSON_DEPTH) {
    throw new RangeError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels could not be read back`);
  }
  path.push(value);
  let out: string;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new TypeError(`Array hole at index ${i} is not JSON serializable`);
      items.push(write(value[i], path));
    }
    out = `[${items.join(",")}]`;
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = value.constructor?.name ?? "object";
      throw new TypeError(`Object of type ${name} is not JSON serializable for Django`);
    }
    const items: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) throw new TypeError(`Key ${JSON.stringify(key)} is undefined`);
      items.push(`${writeString(key)}:${write(item, path)}`);
    }
    out = `{${items.join(",")}}`;
  }
  path.pop();
  return out;
}

/**
 * Reads JSON bytes as Django does (`json.loads(data.decode("latin-1"))`): each byte is one character,
 * so what Django wrote (ASCII) reads the same, and stray UTF-8 bytes read as Django would see them.
 *
 * @param bytes the JSON bytes
 * @returns the parsed value
 * @throws {SyntaxError} when the text is not JSON, Python's `NaN` and `Infinity` aside
 * @throws {RangeError} when it nests deeper than {@linkcode MAX_JSON_DEPTH}
 */
export function parseLatin1Json(bytes: Uint8Array): unknown {
  const text = latin1(bytes);
  // Nesting that deep needs two characters a level: shorter texts need no scan.
  if (text.length > 2 * MAX_JSON_DEPTH) checkDepth(text);
  return parsePythonJson(text);
}

/**
 * `JSON.parse`, plus Python's `NaN`, `Infinity` and `-Infinity` outside strings (tried only when
 * `JSON.parse` fails, so ordinary JSON costs nothing more).
 *
 * @param text JSON text, possibly with Python's non-finite numbers
 * @returns the parsed value
 * @throws {SyntaxError} when the text is not such JSON
 */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!text.includes("NaN") && !text.includes("Infinity")) throw error;
    return parseNonFinite(text);
  }
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };
const NON_FINITE_TOKEN = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;

/** Replaces the bare tokens with strings no JSON text holds, then turns them back into numbers. */
function parseNonFinite(text: string): unknown {
  const mark = `\u0000${crypto.randomUUID()}`;
  const marked = text.replace(
    NON_FINITE_TOKEN,
    (token) => token[0] === '"' ? token : JSON.stringify(mark + token),
  );
  return JSON.parse(
    marked,
    (_key, value) =>
      typeof value === "string" && value.startsWith(mark)
        ? NON_FINITE[value.slice(mark.length)]
        : value,
  );
}

/** Throws when arrays and objects nest deeper than {@linkcode MAX_JSON_DEPTH} (strings skipped). */
function checkDepth(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      while (++i < text.length && text.charCodeAt(i) !== 0x22) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new RangeError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

const ascii = new TextDecoder();

function latin1(bytes: Uint8Array): string {
  // ASCII (what Django writes) reads the same as UTF-8, and only ASCII comes back as UTF-8 one
  // character a byte with no U+FFFD: that check costs less than looking at every byte first.
  const text = ascii.decode(bytes);
  if (text.length === bytes.length && !text.includes("\ufffd")) return text;
  // TextDecoder("latin1") is windows-1252 per the WHATWG Encoding spec, so Latin-1 is done by hand.
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}
