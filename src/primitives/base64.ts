/**
 * The text encodings of Django's signing: URL-safe base64 without `=` padding (RFC 4648 §5, as
 * `django.core.signing.b64_encode` strips it), standard padded base64 (RFC 4648 §4, the pre-3.1
 * session format) and base62 timestamps (alphabet `0-9A-Za-z`). Pure string code, no crypto.
 *
 * @module
 */

const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function lookup(alphabet: string): Int8Array {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

const URL_SAFE_TABLE = lookup(URL_SAFE);
const STANDARD_TABLE = lookup(STANDARD);
const BASE62_TABLE = lookup(BASE62);

/** Every pair of characters of an alphabet, indexed by 12 bits: half the concatenations. */
function pairs(alphabet: string): string[] {
  return Array.from({ length: 4096 }, (_, i) => alphabet[i >> 6] + alphabet[i & 63]);
}

const URL_SAFE_PAIRS = pairs(URL_SAFE);
const STANDARD_PAIRS = pairs(STANDARD);

function encode(bytes: Uint8Array, alphabet: string, twos: string[]): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += twos[n >> 12] + twos[n & 4095];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    out += twos[bytes[i] << 4];
  } else if (rest === 2) {
    const n = (bytes[i] << 8) | bytes[i + 1];
    out += twos[n >> 4] + alphabet[(n << 2) & 63];
  }
  return out;
}

function decode(text: string, table: Int8Array): Uint8Array {
  // A single trailing character carries 6 bits: no byte can come from it.
  if (text.length % 4 === 1) throw new SyntaxError("Invalid base64 length");
  const out = new Uint8Array(Math.floor(text.length * 3 / 4));
  let bits = 0;
  let count = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? table[code] : -1;
    if (value < 0) throw new SyntaxError(`Invalid base64 character at ${i}`);
    bits = (bits << 6) | value;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[o++] = (bits >> count) & 255;
    }
  }
  return out;
}

/**
 * URL-safe base64 with the `=` padding stripped (Django's `b64_encode`).
 *
 * @param bytes the bytes to encode
 * @returns the text, alphabet `A-Za-z0-9-_`
 * @example
 * ```ts
 * import { b64Encode } from "@django-interop/session";
 * console.log(b64Encode(new TextEncoder().encode('"hello"'))); // ImhlbGxvIg
 * ```
 */
export function b64Encode(bytes: Uint8Array): string {
  return encode(bytes, URL_SAFE, URL_SAFE_PAIRS);
}

/**
 * Decodes URL-safe base64 with or without padding (Django's `b64_decode`, which re-pads).
 *
 * @param text the base64 text
 * @returns the bytes
 * @throws {SyntaxError} on a character outside the alphabet or an impossible length; callers treat
 * it as bad data
 * @example
 * ```ts
 * import { b64Decode } from "@django-interop/session";
 * console.log(new TextDecoder().decode(b64Decode("ImhlbGxvIg"))); // "hello"
 * ```
 */
export function b64Decode(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--; // trailing "=" padding
  return decode(end === text.length ? text : text.slice(0, end), URL_SAFE_TABLE);
}

/**
 * Standard padded base64 (Python's `base64.b64encode`), used by the pre-3.1 session format.
 *
 * @param bytes the bytes to encode
 * @returns the text, alphabet `A-Za-z0-9+/`, padded with `=` to a multiple of 4
 */
export function standardB64Encode(bytes: Uint8Array): string {
  const text = encode(bytes, STANDARD, STANDARD_PAIRS);
  return text + "=".repeat((4 - text.length % 4) % 4);
}

/**
 * Decodes standard padded base64; the padding must be exact.
 *
 * @param text the base64 text
 * @returns the bytes
 * @throws {SyntaxError} when the text is not padded base64
 */
export function standardB64Decode(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new SyntaxError("Invalid base64 padding");
  const body = text.replace(/={1,2}$/, "");
  return decode(body, STANDARD_TABLE);
}

/**
 * Base62 of an integer (Django's `b62_encode`; timestamps are base62 of whole seconds); a negative
 * one gets a leading `-`, as in Django (`b62_encode(-100) == "-1c"`).
 *
 * @param n a safe integer
 * @returns the digits, alphabet `0-9A-Za-z`
 * @throws {RangeError} when `n` is not a safe integer
 * @example
 * ```ts
 * import { base62Encode } from "@django-interop/session";
 * console.log(base62Encode(1700000000)); // 1r31eq
 * ```
 */
export function base62Encode(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`Cannot base62-encode ${n}`);
  if (n < 0) return "-" + base62Encode(-n);
  let out = "";
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out;
}

/**
 * Decodes base62 digits (Django's `b62_decode`), a leading `-` for a negative value.
 *
 * @param s the digits, alphabet `0-9A-Za-z`
 * @returns the integer
 * @throws {SyntaxError} on an empty string or a character outside the alphabet
 * @throws {RangeError} when the value exceeds `Number.MAX_SAFE_INTEGER`
 * @example
 * ```ts
 * import { base62Decode } from "@django-interop/session";
 * console.log(base62Decode("1r31eq")); // 1700000000
 * ```
 */
export function base62Decode(s: string): number {
  if (s.length === 0) throw new SyntaxError("Empty base62 value");
  if (s[0] === "-" && s.length > 1) return -base62Decode(s.slice(1));
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const digit = code < 128 ? BASE62_TABLE[code] : -1;
    if (digit < 0) throw new SyntaxError(`Invalid base62 character at ${i}`);
    n = n * 62 + digit;
  }
  if (!Number.isSafeInteger(n)) throw new RangeError(`Base62 value ${s} is too large`);
  return n;
}
