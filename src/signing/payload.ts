/**
 * The signed payload of `signObject`/`dumps`: JSON, zlib-compressed when that saves more than one
 * byte (then prefixed with `.`), in unpadded URL-safe base64. Reading it happens only after the
 * signature has been verified.
 *
 * @module
 */

import { BadPayload } from "../errors.ts";
import { b64Decode, b64Encode } from "../primitives/base64.ts";
import { parseLatin1Json, pythonJsonDumps } from "./json.ts";
import { DEFAULT_MAX_DECOMPRESSED_BYTES, deflate, inflate } from "../primitives/zlib.ts";

const encoder = new TextEncoder();

/**
 * zlib adds a 2-byte header and a 4-byte checksum and a deflate block needs at least 2 bytes, so it
 * cannot beat Django's "len(compressed) < len(data) - 1" below this size: skip the attempt.
 */
const MIN_COMPRESSIBLE = 10;

/**
 * Serialises `value` as Django's `Signer.sign_object` does before signing.
 *
 * @param value a JSON-able value (see `pythonJsonDumps`)
 * @param compress whether to try zlib
 * @param maxDecompressedBytes the inflate cap the value will be read back with
 * @default maxDecompressedBytes 1 MiB
 * @returns the base64 text, `.`-prefixed when compressed
 * @throws {TypeError} when `value` is not JSON that Python reads back
 * @throws {RangeError} when it nests too deeply, or compresses from more JSON than
 *   `maxDecompressedBytes`: `decodePayload` would refuse what was written
 */
export async function encodePayload(
  value: unknown,
  compress: boolean,
  maxDecompressedBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Promise<string> {
  const data = encoder.encode(pythonJsonDumps(value));
  if (compress && data.length >= MIN_COMPRESSIBLE) {
    const compressed = await deflate(data);
    if (compressed.length < data.length - 1) {
      if (data.length > maxDecompressedBytes) {
        throw new RangeError(
          `${data.length} bytes of JSON are past maxDecompressedBytes (${maxDecompressedBytes}): ` +
            "the value could not be read back",
        );
      }
      return "." + b64Encode(compressed);
    }
  }
  return b64Encode(data);
}

/**
 * Reads a verified payload back (Django's `Signer.unsign_object` after `unsign`).
 *
 * @param payload the base64 text, `.`-prefixed when compressed
 * @param maxDecompressedBytes the inflate cap
 * @default maxDecompressedBytes 1 MiB
 * @returns the parsed JSON value
 * @throws {BadPayload} when base64, zlib or JSON is broken, or inflating passes the cap
 */
export function decodePayload(
  payload: string,
  maxDecompressedBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): unknown {
  const compressed = payload.startsWith(".");
  let data: Uint8Array;
  try {
    data = b64Decode(compressed ? payload.slice(1) : payload);
  } catch (error) {
    throw new BadPayload(`Invalid base64 payload: ${(error as Error).message}`);
  }
  if (compressed) data = inflate(data, maxDecompressedBytes);
  try {
    return parseLatin1Json(data);
  } catch (error) {
    throw new BadPayload(`Invalid JSON payload: ${(error as Error).message}`);
  }
}
