/**
 * The signed payload of `signObject`/`dumps`: JSON, zlib-compressed when that saves more than one
 * byte (then prefixed with `.`), in unpadded URL-safe base64. Reading it happens only after the
 * signature has been verified.
 *
 * @module
 */

import { BadPayload } from "../errors.ts";
import { b64DecodeInto, b64Encode } from "../primitives/base64.ts";
import { inflateTransient } from "../primitives/inflate.ts";
import { parseLatin1Json, pythonJsonBytes } from "./json.ts";
import { DEFAULT_MAX_DECOMPRESSED_BYTES, deflate, SYNC_DEFLATE_LIMIT } from "../primitives/zlib.ts";

/**
 * zlib adds a 2-byte header and a 4-byte checksum and a deflate block needs at least 2 bytes, so it
 * cannot beat Django's "len(compressed) < len(data) - 1" below this size: skip the attempt.
 */
const MIN_COMPRESSIBLE = 10;

/** The payload's bytes, base64-decoded: grown, never shrunk (decoding never awaits). */
let decoded = new Uint8Array(1024);

/** The JSON's bytes: grown, never shrunk, and never handed to anything that awaits. */
let json = new Uint8Array(1024);

/**
 * Room for `n` bytes of JSON: `json` when the compressor reads them synchronously, else an array of
 * their own that `CompressionStream` may keep.
 */
function jsonRoom(n: number): Uint8Array {
  if (n > SYNC_DEFLATE_LIMIT) return new Uint8Array(n);
  if (n > json.length) json = new Uint8Array(Math.max(n, 2 * json.length));
  return json;
}

/** What `sign_object` takes the base64 of: the JSON, or its zlib when that saves more than a byte. */
export interface PayloadBytes {
  /** The bytes (in a reused buffer when the JSON is small: read them before the next call). */
  readonly data: Uint8Array;
  /** Whether they are zlib (the text then starts with `.`). */
  readonly compressed: boolean;
}

/**
 * Serialises `value` as Django's `Signer.sign_object` does before signing, up to the base64;
 * synchronous unless the JSON is large enough for `CompressionStream`.
 *
 * @param value a JSON-able value (see `pythonJsonDumps`)
 * @param compress whether to try zlib
 * @param maxDecompressedBytes the inflate cap the value will be read back with
 * @default maxDecompressedBytes 1 MiB
 * @returns the bytes, and whether they are compressed
 * @throws {TypeError} when `value` is not JSON that Python reads back
 * @throws {RangeError} when it nests too deeply, or compresses from more JSON than
 *   `maxDecompressedBytes`: `decodePayload` would refuse what was written
 */
export function payloadBytes(
  value: unknown,
  compress: boolean,
  maxDecompressedBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): PayloadBytes | Promise<PayloadBytes> {
  const data = pythonJsonBytes(value, jsonRoom);
  if (!compress || data.length < MIN_COMPRESSIBLE) return { data, compressed: false };
  const compressed = deflate(data);
  return compressed instanceof Promise
    ? compressed.then((bytes) => smaller(bytes, data, maxDecompressedBytes))
    : smaller(compressed, data, maxDecompressedBytes);
}

function smaller(compressed: Uint8Array, data: Uint8Array, max: number): PayloadBytes {
  if (compressed.length >= data.length - 1) return { data, compressed: false };
  if (data.length > max) {
    throw new RangeError(
      `${data.length} bytes of JSON are past maxDecompressedBytes (${max}): ` +
        "the value could not be read back",
    );
  }
  return { data: compressed, compressed: true };
}

const payloadText = ({ data, compressed }: PayloadBytes) =>
  (compressed ? "." : "") + b64Encode(data);

/**
 * {@linkcode payloadBytes} as text: the base64, `.`-prefixed when compressed.
 *
 * @param value a JSON-able value (see `pythonJsonDumps`)
 * @param compress whether to try zlib
 * @param maxDecompressedBytes the inflate cap the value will be read back with
 * @default maxDecompressedBytes 1 MiB
 * @returns the base64 text
 * @throws {TypeError} when `value` is not JSON that Python reads back
 * @throws {RangeError} when it could not be read back (see {@linkcode payloadBytes})
 */
export function encodePayload(
  value: unknown,
  compress: boolean,
  maxDecompressedBytes?: number,
): string | Promise<string> {
  const payload = payloadBytes(value, compress, maxDecompressedBytes);
  return payload instanceof Promise ? payload.then(payloadText) : payloadText(payload);
}

/**
 * Reads a verified payload back (Django's `Signer.unsign_object` after `unsign`).
 *
 * @param payload the text holding the payload, base64, `.`-prefixed when compressed
 * @param end where the payload ends in it (the timestamp's separator, or its length)
 * @param maxDecompressedBytes the inflate cap
 * @default maxDecompressedBytes 1 MiB
 * @returns the parsed JSON value
 * @throws {BadPayload} when base64, zlib or JSON is broken, or inflating passes the cap
 */
export function decodePayload(
  payload: string,
  end: number = payload.length,
  maxDecompressedBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): unknown {
  const compressed = payload.charCodeAt(0) === 0x2e; // "."
  if (end > decoded.length) decoded = new Uint8Array(Math.max(end, 2 * decoded.length));
  const length = b64DecodeInto(payload, compressed ? 1 : 0, end, decoded);
  if (length < 0) throw new BadPayload("Invalid base64 payload");
  const data = decoded.subarray(0, length);
  const text = compressed ? inflateTransient(data, maxDecompressedBytes) : data;
  try {
    return parseLatin1Json(text);
  } catch (error) {
    throw new BadPayload(`Invalid JSON payload: ${(error as Error).message}`);
  }
}
