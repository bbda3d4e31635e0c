/**
 * The pre-Django-3.1 session format, still read by Django 3.1/3.2 and written by them under
 * `DEFAULT_HASHING_ALGORITHM = "sha1"`: standard padded base64 of `<sha1 hex>:<json>`, where the hash
 * is `salted_hmac("django.contrib.sessions" + ClassName, json, secret, "sha1")` (no dot after
 * "sessions": Django's `SessionBase._hash`).
 *
 * @module
 */

import { BadPayload, BadSignature } from "../errors.ts";
import { standardB64Decode, standardB64Encode } from "../primitives/base64.ts";
import { timingSafeEqual } from "../primitives/crypto.ts";
import { parseLatin1Json, pythonJsonDumps } from "../signing/json.ts";
import { hexEncode, saltedHmac } from "../signing/salted_hmac.ts";

const encoder = new TextEncoder();
const COLON = 0x3a;

function legacySalt(storeClassName: string): string {
  // Django uses the class __name__ here, not the __qualname__ of the 3.1+ salt.
  return "django.contrib.sessions" + storeClassName.slice(storeClassName.lastIndexOf(".") + 1);
}

/**
 * Encodes a session in the pre-3.1 format.
 *
 * @param data the session dictionary
 * @param secret the secret key
 * @param storeClassName the SessionStore class name
 * @returns the padded base64 text
 * @throws {TypeError} when `data` holds something Python's JSON cannot give back
 */
export async function legacyEncode(
  data: Record<string, unknown>,
  secret: string,
  storeClassName: string,
): Promise<string> {
  const json = encoder.encode(pythonJsonDumps(data));
  const hash = hexEncode(await saltedHmac(legacySalt(storeClassName), json, secret, "sha1"));
  const out = new Uint8Array(hash.length + 1 + json.length);
  out.set(encoder.encode(hash));
  out[hash.length] = COLON;
  out.set(json, hash.length + 1);
  return standardB64Encode(out);
}

/**
 * Decodes a pre-3.1 session, accepting a hash made with any of `secrets` (compared in constant time).
 *
 * @param value the padded base64 text
 * @param secrets the secret key, then its fallbacks
 * @param storeClassName the SessionStore class name
 * @returns the decoded JSON value
 * @throws {BadSignature} when the value is not in this format or no secret's hash matches
 * @throws {BadPayload} when the verified JSON cannot be parsed
 */
export async function legacyDecode(
  value: string,
  secrets: readonly string[],
  storeClassName: string,
): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = standardB64Decode(value);
  } catch (error) {
    throw new BadSignature(`Not a signed value: ${(error as Error).message}`);
  }
  const at = bytes.indexOf(COLON);
  if (at < 0) throw new BadSignature('No ":" found in legacy session data');
  const hash = bytes.subarray(0, at);
  const json = bytes.subarray(at + 1);
  for (const secret of secrets) {
    const expected = hexEncode(await saltedHmac(legacySalt(storeClassName), json, secret, "sha1"));
    if (timingSafeEqual(hash, expected)) {
      try {
        return parseLatin1Json(json);
      } catch (error) {
        throw new BadPayload(`Invalid JSON payload: ${(error as Error).message}`);
      }
    }
  }
  throw new BadSignature("Legacy session hash does not match");
}
