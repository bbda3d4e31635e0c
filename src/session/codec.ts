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
import { type DjangoSettings, resolveSettings, type Settings } from "../settings/settings.ts";
import type { SessionData } from "./store.ts";
import { legacyDecode, legacyEncode } from "./legacy_codec.ts";
import {
  signObjectSync,
  type TokenFormat,
  tokenFormat,
  unsignObjectSync,
} from "../signing/token.ts";

/** Our options of the session codec; Django's settings come in the settings object. */
export interface SessionCodecOptions {
  /**
   * Try zlib on encode, keeping it when it saves more than one byte (Django's rule). `false` skips
   * the attempt: the compressor's 5–10 µs per session (`bench/codec.bench.ts`), and the next decode has
   * nothing to inflate; Django reads both. @default {true}
   */
  compress?: boolean;
  /**
   * Told why stored data was rejected (Django logs "Session data corrupted").
   * @default {undefined}
   */
  onCorrupt?: (error: Error) => void;
}

/**
 * One signing format per settings object: its keys and salt never change. The codec runs on the
 * synchronous core under `TimestampSigner` (`token.ts`) and makes one promise at its boundary: an
 * `async` function awaiting the signer's own `async` method cost decoding 5-10%.
 */
const formats = new WeakMap<DjangoSettings, TokenFormat>();

function formatFor(settings: DjangoSettings): TokenFormat {
  let format = formats.get(settings);
  if (!format) {
    format = tokenFormat(
      {
        key: settings.SECRET_KEY,
        fallbackKeys: [...settings.SECRET_KEY_FALLBACKS],
        algorithm: "sha256",
        // Django 3.1/3.2's `Signer.legacy_algorithm`: sha1 signatures still verify.
        legacyAlgorithm: "sha1",
      },
      "",
      true,
      `django.contrib.sessions.${settings.sessionStoreClass}`,
    );
    formats.set(settings, format);
  }
  return format;
}

/**
 * Encodes session data as Django's `SessionStore().encode(data)` does.
 *
 * @param data the session dictionary
 * @param settings Django's settings: `SECRET_KEY`, `DEFAULT_HASHING_ALGORITHM`, `sessionStoreClass`
 * @param options whether to try compression
 * @returns the text for `django_session.session_data`
 * @throws {TypeError} when `data` holds something Python's JSON cannot give back (undefined,
 * functions, BigInt, Date, Map, class instances...)
 * @throws {RangeError} when `decodeSession` could not read it back: nested deeper than
 * `MAX_JSON_DEPTH`, or compressed from more JSON than `maxDecompressedBytes`
 * @throws {ImproperlyConfigured} for settings Django would refuse
 * @example
 * ```ts
 * import { decodeSession, encodeSession } from "@django-interop/session";
 * import { djangoSettings } from "@django-interop/session";
 * const settings = djangoSettings({ SECRET_KEY: "django-insecure-key" });
 * const text = await encodeSession({ _auth_user_id: "1" }, settings);
 * console.log(await decodeSession(text, settings)); // { _auth_user_id: "1" }
 * ```
 */
export function encodeSession(
  data: SessionData,
  settings: Settings,
  options: SessionCodecOptions = {},
): Promise<string> {
  try {
    const s = resolveSettings(settings);
    if (s.DEFAULT_HASHING_ALGORITHM === "sha1") {
      return legacyEncode(data, s.SECRET_KEY, s.sessionStoreClass);
    }
    const compress = options.compress ?? true;
    return Promise.resolve(signObjectSync(formatFor(s), data, compress, s.maxDecompressedBytes));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Decodes session data written by Django (3.1+ sha256, 3.1/3.2 sha1, pre-3.1) or by
 * `encodeSession`. Data whose signature does not verify reads as an empty session and goes to
 * `onCorrupt`, as in Django. Data that verifies but cannot be read here (broken JSON or zlib, not an
 * object, past `maxDecompressedBytes`, nested past `MAX_JSON_DEPTH`) throws instead: reading it as
 * `{}` would let the next save overwrite what its writer, who holds the key, stored.
 *
 * @param value the stored `session_data`
 * @param settings Django's settings: `SECRET_KEY`, `SECRET_KEY_FALLBACKS`, `sessionStoreClass`,
 *   `maxDecompressedBytes`
 * @param options the hook told why data was rejected
 * @returns the session dictionary, or `{}`
 * @throws {SessionUnreadable} when the data verifies but cannot be read
 * @throws {ImproperlyConfigured} for settings Django would refuse
 * @example
 * ```ts
 * import { decodeSession } from "@django-interop/session";
 * const data = await decodeSession("tampered", { SECRET_KEY: "django-insecure-key" }, {
 *   onCorrupt: (error) => console.warn("Session data corrupted:", error.message),
 * });
 * console.log(data); // {}
 * ```
 */
export function decodeSession(
  value: string,
  settings: Settings,
  options: SessionCodecOptions = {},
): Promise<SessionData> {
  let s: DjangoSettings;
  try {
    s = resolveSettings(settings);
  } catch (error) {
    return Promise.reject(error);
  }
  try {
    // Django's signed formats always contain ":"; base64 never does, so the format is unambiguous.
    if (!value.includes(":")) {
      return legacyDecode(value, [s.SECRET_KEY, ...s.SECRET_KEY_FALLBACKS], s.sessionStoreClass)
        .then(sessionObject)
        .catch((error) => unreadable(error, options));
    }
    // sha1 signatures too, as Django 3.1/3.2 accept them (their `Signer.legacy_algorithm`).
    const read = { maxDecompressedBytes: s.maxDecompressedBytes };
    return Promise.resolve(sessionObject(unsignObjectSync(formatFor(s), value, read)));
  } catch (error) {
    try {
      return Promise.resolve(unreadable(error, options));
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }
}

/** The decoded value, if it is a session: a JSON object. */
function sessionObject(data: unknown): SessionData {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new BadPayload("Session data is not a JSON object");
  }
  return data as SessionData;
}

/**
 * What a session that could not be decoded reads as: `{}` when its signature did not verify, as in
 * Django; data that verified but cannot be read throws instead (see {@linkcode decodeSession}).
 */
function unreadable(error: unknown, options: SessionCodecOptions): SessionData {
  options.onCorrupt?.(error as Error);
  if (error instanceof BadPayload) throw new SessionUnreadable(error.message, { cause: error });
  return {};
}
