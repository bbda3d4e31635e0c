/**
 * The synchronous core of `Signer` and `TimestampSigner` (sign, unsign, signObject, unsignObject),
 * on which `dumps`/`loads` and the session codec run too. The public API awaits once, at its
 * boundary; underneath, nothing creates a signer, a promise or a buffer per call, and a token is
 * read with one HMAC, one base64 pass into a reused buffer, one inflate into another and one
 * `JSON.parse` (see `bench/codec.bench.ts`).
 *
 * @module
 */

import { BadPayload, BadSignature, SignatureExpired } from "../errors.ts";
import { base62Decode, base62Encode } from "../primitives/base64.ts";
import type { Algorithm } from "../primitives/crypto.ts";
import { b64EncodeInto } from "../primitives/base64.ts";
import { decodePayload, type PayloadBytes, payloadBytes } from "./payload.ts";
import {
  messageRoom,
  putText,
  type SignatureKeys,
  signatureOf,
  signMessage,
  verifies,
} from "./signature.ts";

/** Everything a token is signed and read with. */
export interface TokenFormat extends SignatureKeys {
  /** Between value, timestamp and signature. */
  readonly sep: string;
  /** The clock, in epoch milliseconds, of a timestamped format; `undefined` for `Signer`'s. */
  readonly now?: () => number;
}

/** The options a format is made from: those of `Signer`, and `TimestampSigner`'s clock. */
export interface FormatOptions {
  /** The secret key. */
  key: string;
  /** The separator. @default {":"} */
  sep?: string;
  /** The salt (empty: the default). */
  salt?: string;
  /** The HMAC hash. @default {"sha256"} */
  algorithm?: Algorithm;
  /** Older secrets still accepted. @default {[]} */
  fallbackKeys?: readonly string[];
  /** A second hash accepted. */
  legacyAlgorithm?: "sha1";
  /** The clock, in epoch milliseconds. @default {Date.now} */
  now?: () => number;
}

/** What `unsignObject` checks besides the signature. */
export interface ReadOptions {
  /** Reject values signed more than this many seconds ago (timestamped formats only). */
  maxAge?: number | null;
  /** The most bytes a compressed payload may inflate to. @default {1048576} */
  maxDecompressedBytes?: number;
}

/** A UTF-16 surrogate without its pair: a string UTF-8 (and Python's `str.encode`) cannot hold. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Refuses a value with a lone surrogate: Python's `encode` raises there, and TextEncoder's U+FFFD
 * would make two texts share one signature.
 * @throws {TypeError} when `value` has one
 */
export function checkSignable(value: string): void {
  if (LONE_SURROGATE.test(value)) throw new TypeError("Cannot sign a lone surrogate");
}

// Django's _SEP_UNSAFE: `A-z` is the ASCII range A..z, which includes [\]^_ and the backtick.
const UNSAFE_SEP = /^[A-z0-9\-_=]*$/;

/**
 * The format of a signer, checked as Django's `Signer.__init__` checks it.
 *
 * @param options the key, and optionally separator, salt, hashes, fallback keys and clock
 * @param defaultSalt the salt when `options.salt` is empty (Django's `module.ClassName`)
 * @param timestamped whether the format signs a timestamp (`TimestampSigner`)
 * @param salt the salt (`dumps` gives its own default before Django's `Signer` does)
 * @returns the format (its algorithm may be sha512: see {@linkcode isSync})
 * @throws {TypeError} on an empty key or an unsafe separator
 */
export function tokenFormat(
  options: FormatOptions,
  defaultSalt: string,
  timestamped: boolean,
  salt: string | undefined = options.salt,
): TokenFormat {
  const { key, sep = ":", algorithm = "sha256", fallbackKeys, legacyAlgorithm } = options;
  if (!key) throw new TypeError("Signer needs a non-empty key");
  if (UNSAFE_SEP.test(sep)) throw new TypeError(`Unsafe Signer separator: ${JSON.stringify(sep)}`);
  return {
    keySalt: (salt || defaultSalt) + "signer",
    key,
    fallbackKeys,
    algorithm: algorithm as "sha256",
    legacyAlgorithm,
    sep,
    now: timestamped ? options.now ?? Date.now : undefined,
  };
}

/** Whether the format's hashes are ours (SHA-1, SHA-256), so this file's functions serve it. */
export function isSync(format: TokenFormat): boolean {
  return (format.algorithm as Algorithm) !== "sha512";
}

/**
 * Where the signature starts in `signed`: just after the last separator.
 * @throws {BadSignature} when there is no separator, or the text has a lone surrogate (see
 *   {@linkcode checkSignable})
 */
export function signatureStart(format: TokenFormat, signed: string): number {
  if (LONE_SURROGATE.test(signed)) throw new BadSignature("Signed value has a lone surrogate");
  const at = signed.lastIndexOf(format.sep);
  if (at < 0) throw new BadSignature(`No "${format.sep}" found in value`);
  return at;
}

/** `value`, the separator and its signature (Django's `Signer.sign`). */
export function signToken(format: TokenFormat, value: string): string {
  checkSignable(value);
  return `${value}${format.sep}${signatureOf(format, value)}`;
}

/**
 * The value inside `signed` once its signature matches (Django's `Signer.unsign`).
 * @throws {BadSignature} when there is no separator or no key's signature matches
 */
export function unsignToken(format: TokenFormat, signed: string): string {
  const at = signatureStart(format, signed);
  const value = signed.slice(0, at);
  const signature = signed.slice(at + format.sep.length);
  if (!verifies(format, value, signature)) {
    throw new BadSignature(`Signature "${signature}" does not match`);
  }
  return value;
}

/** `value`, the separator and the format's clock in base62 seconds (`TimestampSigner.sign`). */
export function stamp(format: TokenFormat, value: string): string {
  return `${value}${format.sep}${base62Encode(Math.floor(format.now!() / 1000))}`;
}

/**
 * Checks the timestamp that ends a verified `value:timestamp` against `maxAge`.
 *
 * @returns where the value ends: the timestamp's separator
 * @throws {BadPayload} when there is no timestamp or it is not base62
 * @throws {SignatureExpired} when it is older than `maxAge` seconds
 */
export function checkStamp(format: TokenFormat, verified: string, maxAge?: number | null): number {
  const at = verified.lastIndexOf(format.sep);
  let timestamp: number;
  try {
    if (at < 0) throw new SyntaxError(`No "${format.sep}" before the signature`);
    timestamp = base62Decode(verified.slice(at + format.sep.length));
  } catch (error) {
    throw new BadPayload(`Invalid timestamp: ${(error as Error).message}`);
  }
  if (maxAge != null) { // null from JavaScript callers means "no limit" too
    const age = format.now!() / 1000 - timestamp;
    if (age > maxAge) throw new SignatureExpired(`Signature age ${age} > ${maxAge} seconds`);
  }
  return at;
}

/**
 * Signs a JSON-able value (Django's `sign_object`, timestamped when the format is); synchronous
 * unless the JSON is large enough for `CompressionStream`. The token is written as bytes (base64,
 * timestamp, signature) beside the HMAC's input and read back as a string once.
 *
 * @throws {TypeError} when `value` holds something Python's JSON cannot give back
 * @throws {RangeError} when it could not be read back (too deep, or past the inflate cap)
 */
export function signObjectSync(
  format: TokenFormat,
  value: unknown,
  compress: boolean,
  maxDecompressedBytes?: number,
): string | Promise<string> {
  const payload = payloadBytes(value, compress, maxDecompressedBytes);
  return payload instanceof Promise
    ? payload.then((bytes) => signPayload(format, bytes))
    : signPayload(format, payload);
}

function signPayload(format: TokenFormat, { data, compressed }: PayloadBytes): string {
  const { sep, now } = format;
  const time = now ? base62Encode(Math.floor(now() / 1000)) : "";
  const message = messageRoom(
    2 + Math.ceil(data.length / 3) * 4 + 6 * sep.length + time.length + 43,
  );
  let at = 0;
  if (compressed) message[at++] = 0x2e; // "."
  at = b64EncodeInto(data, data.length, message, at);
  if (now) at = putText(time, putText(sep, at));
  return signMessage(format, at, sep);
}

/**
 * Reads the payload of a verified value: checks its timestamp (if the format has one), then
 * decodes it (Django's `unsign_object` after `unsign`).
 *
 * @throws {SignatureExpired} when it is older than `maxAge`
 * @throws {BadPayload} when the payload cannot be decoded or inflates past the cap
 */
export function readPayload(format: TokenFormat, verified: string, options: ReadOptions): unknown {
  const end = format.now ? checkStamp(format, verified, options.maxAge) : verified.length;
  return decodePayload(verified, end, options.maxDecompressedBytes);
}

/**
 * Verifies, then decodes a value signed by `signObjectSync` or Django's `sign_object`.
 *
 * @throws {BadSignature} when the signature does not match
 * @throws {SignatureExpired} when it is older than `maxAge`
 * @throws {BadPayload} when the payload cannot be decoded or inflates past the cap
 */
export function unsignObjectSync(
  format: TokenFormat,
  signed: string,
  options: ReadOptions,
): unknown {
  return readPayload(format, unsignToken(format, signed), options);
}
