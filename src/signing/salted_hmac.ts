/**
 * Django's `django.utils.crypto.salted_hmac`: `HMAC(H(utf8(keySalt) + utf8(secret)), value, H)`.
 * A different `keySalt` per use keeps one `SECRET_KEY` from signing for two purposes at once.
 *
 * @module
 */

import { type Algorithm, saltedHmacBytes, utf8 } from "../primitives/crypto.ts";

export type { Algorithm } from "../primitives/crypto.ts";

/**
 * The raw salted HMAC of `value` (Django's `salted_hmac(...).digest()`); the derived key is cached.
 *
 * @param keySalt the namespace, e.g. `"django.core.signing.Signersigner"`
 * @param value the message; strings are UTF-8 encoded, as Django's `force_bytes` does
 * @param secret the secret key (`SECRET_KEY`)
 * @param algorithm the hash function
 * @default algorithm "sha1" (Django's default for `salted_hmac`)
 * @returns the raw digest: 20, 32 or 64 bytes
 * @throws {TypeError} on an unsupported algorithm
 * @example
 * ```ts
 * import { saltedHmac } from "@django-interop/session/signing";
 * const mac = await saltedHmac("my.app", "value", "secret", "sha256");
 * console.log(mac.length); // 32
 * ```
 */
export function saltedHmac(
  keySalt: string,
  value: string | Uint8Array,
  secret: string,
  algorithm: Algorithm = "sha1",
): Promise<Uint8Array> {
  return saltedHmacBytes(algorithm, keySalt, secret, utf8(value));
}

/**
 * Lowercase hex of bytes (Django's `.hexdigest()` of a digest).
 *
 * @param bytes the bytes
 * @returns two lowercase hex digits per byte
 * @example
 * ```ts
 * import { hexEncode } from "@django-interop/session/signing";
 * console.log(hexEncode(new Uint8Array([0, 255]))); // 00ff
 * ```
 */
export function hexEncode(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}
