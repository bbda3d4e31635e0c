/**
 * Django's `SessionBase.encode` / `decode`: how every session store writes `session_data`.
 *
 * Django 3.1+ writes `dumps(data, salt="django.contrib.sessions.SessionStore", compress=True)`, e.g.
 * `eyJhIjoxfQ:1r31eq:<signature>` for `{"a": 1}`. `decodeSession` also reads the sha1-signed variant
 * and the pre-3.1 format, both accepted by Django 3.1/3.2, and tries every fallback key.
 *
 * @module
 */

import { BadPayload, SessionUnreadable } from "../errors.ts";
// Type only: signing never loads session code at runtime.
import type { SessionData } from "./store.ts";
import { legacyDecode, legacyEncode } from "./legacy_codec.ts";
import { TimestampSigner } from "../signing/timestamp_signer.ts";

/** Django's settings that decide how session data is signed, in camelCase. */
export interface SessionCodecOptions {
  /** Django's `SECRET_KEY`. */
  secretKey: string;
  /** Django's `SECRET_KEY_FALLBACKS` (4.1+): older keys still accepted by decode. @default {[]} */
  secretKeyFallbacks?: string[];
  /**
   * The `__qualname__` of the Django SessionStore class; the salt is `"django.contrib.sessions." +`
   * this name. @default {"SessionStore"} (db, cached_db, cache, file and signed_cookies backends)
   */
  storeClassName?: string;
  /**
   * `"sha1"` writes the pre-3.1 format, as Django 3.1/3.2 do under
   * `DEFAULT_HASHING_ALGORITHM = "sha1"` (and as Django ≤ 3.0 read). Decode accepts both anyway.
   * @default {"sha256"}
   */
  defaultHashingAlgorithm?: "sha256" | "sha1";
  /**
   * Try zlib on encode, keeping it when it saves more than one byte (Django's rule). `false` skips
   * the attempt: the compressor's 5–10 µs per session (`bench/codec.bench.ts`), and the next decode has
   * nothing to inflate; Django reads both. @default {true}
   */
  compress?: boolean;
  /** The most bytes a compressed session may inflate to. @default {1048576} (1 MiB) */
  maxDecompressedBytes?: number;
  /**
   * Told why stored data was rejected (Django logs "Session data corrupted").
   * @default {undefined}
   */
  onCorrupt?: (error: Error) => void;
}

function signerFor(options: SessionCodecOptions, legacyAlgorithm?: "sha1"): TimestampSigner {
  return new TimestampSigner({
    key: options.secretKey,
    fallbackKeys: options.secretKeyFallbacks,
    salt: `django.contrib.sessions.${options.storeClassName ?? "SessionStore"}`,
    algorithm: "sha256",
    legacyAlgorithm,
  });
}

/**
 * Encodes session data as Django's `SessionStore().encode(data)` does.
 *
 * @param data the session dictionary
 * @param options the secret key and, optionally, the store class name and hashing algorithm
 * @returns the text for `django_session.session_data`
 * @throws {TypeError} when `data` holds something Python's JSON cannot give back (undefined,
 * functions, BigInt, Date, Map, class instances...)
 * @throws {RangeError} when `decodeSession` could not read it back: nested deeper than
 * `MAX_JSON_DEPTH`, or compressed from more JSON than `maxDecompressedBytes`
 * @example
 * ```ts
 * import { decodeSession, encodeSession } from "@django-interop/session";
 * const options = { secretKey: "django-insecure-key" };
 * const text = await encodeSession({ _auth_user_id: "1" }, options);
 * console.log(await decodeSession(text, options)); // { _auth_user_id: "1" }
 * ```
 */
export function encodeSession(data: SessionData, options: SessionCodecOptions): Promise<string> {
  if (options.defaultHashingAlgorithm === "sha1") {
    return legacyEncode(data, options.secretKey, options.storeClassName ?? "SessionStore");
  }
  return signerFor(options).signObject(data, {
    compress: options.compress ?? true,
    maxDecompressedBytes: options.maxDecompressedBytes,
  });
}

/**
 * Decodes session data written by Django (3.1+ sha256, 3.1/3.2 sha1, pre-3.1) or by
 * `encodeSession`. Data whose signature does not verify reads as an empty session and goes to
 * `onCorrupt`, as in Django. Data that verifies but cannot be read here (broken JSON or zlib, not an
 * object, past `maxDecompressedBytes`, nested past `MAX_JSON_DEPTH`) throws instead: reading it as
 * `{}` would let the next save overwrite what its writer, who holds the key, stored.
 *
 * @param value the stored `session_data`
 * @param options the secret key and, optionally, fallbacks, store class name, cap and hook
 * @returns the session dictionary, or `{}`
 * @throws {SessionUnreadable} when the data verifies but cannot be read
 * @example
 * ```ts
 * import { decodeSession } from "@django-interop/session";
 * const data = await decodeSession("tampered", {
 *   secretKey: "django-insecure-key",
 *   onCorrupt: (error) => console.warn("Session data corrupted:", error.message),
 * });
 * console.log(data); // {}
 * ```
 */
export async function decodeSession(
  value: string,
  options: SessionCodecOptions,
): Promise<SessionData> {
  try {
    // Django's signed formats always contain ":"; base64 never does, so the format is unambiguous.
    // sha1 signatures too, as Django 3.1/3.2 accept them (their `Signer.legacy_algorithm`).
    const data = value.includes(":")
      ? await signerFor(options, "sha1").unsignObject(value, {
        maxDecompressedBytes: options.maxDecompressedBytes,
      })
      : await legacyDecode(
        value,
        [options.secretKey, ...options.secretKeyFallbacks ?? []],
        options.storeClassName ?? "SessionStore",
      );
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      throw new BadPayload("Session data is not a JSON object");
    }
    return data as SessionData;
  } catch (error) {
    options.onCorrupt?.(error as Error);
    if (error instanceof BadPayload) throw new SessionUnreadable(error.message, { cause: error });
    return {};
  }
}
