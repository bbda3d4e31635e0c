/**
 * Django's `django.core.signing.dumps` / `loads`: URL-safe, timestamped, signed JSON.
 *
 * A token is the base64 of the JSON (`.`-prefixed when zlib-compressed), the base62 time, and the
 * signature over both; this one is what Django's `signing.dumps("hello")` gives with
 * `SECRET_KEY = "secret"` at that second:
 *
 * @example
 * ```ts
 * import { dumps } from "@django-interop/session/signing";
 * const token = await dumps("hello", { key: "secret", now: () => 1700000000000 });
 * if (token !== "ImhlbGxvIg:1r31eq:a3CFcK7P0T4YtvcQde-8mW6c7nClbqAtZDLbkQ7-O9A") throw new Error(token);
 * ```
 *
 * @module
 */

import type { Algorithm } from "../primitives/crypto.ts";
import { TimestampSigner } from "./timestamp_signer.ts";
import { isSync, signObjectSync, tokenFormat, unsignObjectSync } from "./token.ts";

/** `dumps`' salt, and Django's `TimestampSigner` default for an empty one. */
const SALT = "django.core.signing";
const EMPTY_SALT = "django.core.signing.TimestampSigner";

/** Options of {@linkcode dumps}. */
export interface DumpsOptions {
  /** The secret key (Django's `SECRET_KEY`). */
  key: string;
  /** The namespace. @default {"django.core.signing"} */
  salt?: string;
  /** zlib-compress when that saves more than one byte. @default {false} */
  compress?: boolean;
  /** The HMAC hash. @default {"sha256"} */
  algorithm?: Algorithm;
  /**
   * Accepted so that one options object serves `dumps` and `loads`; signing always uses `key`.
   * @default {[]}
   */
  fallbackKeys?: string[];
  /** The clock, in epoch milliseconds. @default {Date.now} */
  now?: () => number;
  /**
   * The inflate cap `loads` will use: compressing more JSON than this throws a `RangeError`.
   * @default {1048576} (1 MiB)
   */
  maxDecompressedBytes?: number;
}

/** Options of {@linkcode loads}. */
export interface LoadsOptions {
  /** The secret key (Django's `SECRET_KEY`). */
  key: string;
  /** The namespace. @default {"django.core.signing"} */
  salt?: string;
  /** Reject values signed more than this many seconds ago. @default {undefined} (no limit) */
  maxAge?: number;
  /** Older secrets still accepted (Django's `SECRET_KEY_FALLBACKS`). @default {[]} */
  fallbackKeys?: string[];
  /** The HMAC hash. @default {"sha256"} */
  algorithm?: Algorithm;
  /** Also accept sha1 signatures, as Django 3.1/3.2 do. @default {undefined} */
  legacyAlgorithm?: "sha1";
  /**
   * The most bytes a compressed payload may inflate to; Django has no limit, so a signed zip bomb
   * would exhaust its memory: raise this only if your sessions really hold more JSON.
   * @default {1048576} (1 MiB)
   */
  maxDecompressedBytes?: number;
  /** The clock used for `maxAge`, in epoch milliseconds. @default {Date.now} */
  now?: () => number;
}

/**
 * Signs a JSON-able value with a timestamp (Django's `signing.dumps`).
 *
 * @param value null, booleans, finite numbers, strings, arrays and plain objects
 * @param options the key, and optionally salt, compression, algorithm and clock
 * @returns the signed text, URL-safe
 * @throws {TypeError} when `value` holds something Python's JSON cannot give back
 * @example
 * ```ts
 * import { dumps } from "@django-interop/session/signing";
 * const token = await dumps("hello", { key: "secret", now: () => 1700000000000 });
 * console.log(token.startsWith("ImhlbGxvIg:1r31eq:")); // true
 * ```
 */
export function dumps(value: unknown, options: DumpsOptions): Promise<string> {
  // Not `async`: a synchronous body and no `await` is one promise, not two.
  try {
    const format = tokenFormat(options, EMPTY_SALT, true, options.salt ?? SALT);
    const { compress = false, maxDecompressedBytes } = options;
    if (isSync(format)) {
      return Promise.resolve(signObjectSync(format, value, compress, maxDecompressedBytes));
    }
    return new TimestampSigner({ ...options, salt: options.salt ?? SALT }).signObject(value, {
      compress,
      maxDecompressedBytes,
    });
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Verifies and decodes a value from `dumps` or Django's `signing.dumps`. The signature is checked
 * before anything is base64-decoded or inflated; inflating stops at `maxDecompressedBytes`.
 *
 * @param signed the signed text
 * @param options the key, and optionally salt, maxAge, fallback keys, algorithm and inflate cap
 * @returns the value
 * @throws {BadSignature} when no key's signature matches
 * @throws {SignatureExpired} when it is older than `maxAge`
 * @throws {BadPayload} when the verified payload cannot be decoded or inflates past the cap
 * @example
 * ```ts
 * import { dumps, loads } from "@django-interop/session/signing";
 * const token = await dumps({ cart: [1, 2] }, { key: "secret" });
 * console.log(await loads(token, { key: "secret", maxAge: 3600 })); // { cart: [ 1, 2 ] }
 * ```
 */
export function loads<T = unknown>(signed: string, options: LoadsOptions): Promise<T> {
  try {
    const format = tokenFormat(options, EMPTY_SALT, true, options.salt ?? SALT);
    if (isSync(format)) return Promise.resolve(unsignObjectSync(format, signed, options) as T);
    return new TimestampSigner({ ...options, salt: options.salt ?? SALT }).unsignObject<T>(
      signed,
      options,
    );
  } catch (error) {
    return Promise.reject(error);
  }
}
