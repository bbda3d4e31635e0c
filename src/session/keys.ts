/**
 * Session keys as Django makes them: 32 characters of `[a-z0-9]` from a cryptographic random source
 * (`get_random_string(32, VALID_KEY_CHARS)` in `django/contrib/sessions/backends/base.py`).
 *
 * @module
 */

/** Django's `VALID_KEY_CHARS`: lowercase so keys survive case-insensitive storage. */
const KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Every key Django can write: it only stores keys it drew from `KEY_CHARS` itself. */
const VALID_KEY = /^[a-z0-9]{8,40}$/;

/**
 * The largest multiple of 36 that fits in a byte (252): bytes at or above it are drawn again, so
 * every character is equally likely (no modulo bias).
 */
const UNBIASED_LIMIT = 256 - (256 % KEY_CHARS.length);

/**
 * Draws a new session key: 32 characters of `[a-z0-9]` from `crypto.getRandomValues`, by rejection
 * sampling so that each of the 36 characters is equally likely.
 *
 * @returns a fresh key, about 165 bits of entropy
 *
 * @example
 * ```ts
 * import { newSessionKey } from "@django-interop/session";
 * console.log(newSessionKey().length); // 32
 * ```
 */
export function newSessionKey(): string {
  let key = "";
  const bytes = new Uint8Array(48);
  while (key.length < 32) {
    crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      if (byte < UNBIASED_LIMIT && key.length < 32) key += KEY_CHARS[byte % KEY_CHARS.length];
    }
  }
  return key;
}

/**
 * Whether `key` can be a key of a Django session row. Django drops keys shorter than 8 characters
 * (`_validate_session_key`), the column is `varchar(40)`, and every key it saves comes from
 * `[a-z0-9]`; anything else (quotes, SQL, non-ASCII, uppercase) is hostile or foreign and never
 * reaches a database.
 *
 * @param key a candidate key, typically a cookie value
 * @returns true when `key` is 8 to 40 characters of `[a-z0-9]`
 *
 * @example
 * ```ts
 * import { isValidSessionKey } from "@django-interop/session";
 * console.log(isValidSessionKey("abc"), isValidSessionKey("' OR 1=1 --")); // false false
 * ```
 */
export function isValidSessionKey(key: unknown): key is string {
  return typeof key === "string" && VALID_KEY.test(key);
}
