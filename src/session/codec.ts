/**
 * Django's `SessionBase.encode` / `decode`: how every session store writes `session_data`.
 *
 * Django 3.1+ writes `dumps(data, salt="django.contrib.sessions.SessionStore", compress=True)`, e.g.
 * `eyJhIjoxfQ:1r31eq:<signature>` for `{"a": 1}`. `decodeSession` also reads the sha1-signed variant
 * and the pre-3.1 format, both accepted by Django 3.1/3.2, and tries every fallback key.
 *
 * @module
 */

import { BadPayload } from "../errors.ts";
import { type DjangoSettings, resolveSettings, type Settings } from "../settings/settings.ts";
import type { SessionData } from "./store.ts";
import { legacyDecode, legacyEncode } from "./legacy_codec.ts";
import { TimestampSigner } from "../signing/timestamp_signer.ts";

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

/** One signer per settings object: its keys and salt never change. */
const signers = new WeakMap<DjangoSettings, TimestampSigner>();

function signerFor(settings: DjangoSettings): TimestampSigner {
  let signer = signers.get(settings);
  if (!signer) {
    signer = new TimestampSigner({
      key: settings.SECRET_KEY,
      fallbackKeys: [...settings.SECRET_KEY_FALLBACKS],
      salt: `django.contrib.sessions.${settings.sessionStoreClass}`,
      algorithm: "sha256",
      // Django 3.1/3.2's `Signer.legacy_algorithm`: sha1 signatures still verify.
      legacyAlgorithm: "sha1",
    });
    signers.set(settings, signer);
  }
  return signer;
}

/**
 * Encodes session data as Django's `SessionStore().encode(data)` does.
 *
 * @param data the session dictionary
 * @param settings Django's settings: `SECRET_KEY`, `DEFAULT_HASHING_ALGORITHM`, `sessionStoreClass`
 * @param options whether to try compression
 * @returns the text for `django_session.session_data`
 * @throws {TypeError} when `data` holds something Python's JSON cannot give back (undefined,
 * functions, BigInt, NaN, Date, Map, class instances...)
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
export async function encodeSession(
  data: SessionData,
  settings: Settings,
  options: SessionCodecOptions = {},
): Promise<string> {
  const s = resolveSettings(settings);
  if (s.DEFAULT_HASHING_ALGORITHM === "sha1") {
    return await legacyEncode(data, s.SECRET_KEY, s.sessionStoreClass);
  }
  return await signerFor(s).signObject(data, { compress: options.compress ?? true });
}

/**
 * Decodes session data written by Django (3.1+ sha256, 3.1/3.2 sha1, pre-3.1) or by
 * `encodeSession`. Never throws: anything bad reads as an empty session and goes to `onCorrupt`.
 *
 * @param value the stored `session_data`
 * @param settings Django's settings: `SECRET_KEY`, `SECRET_KEY_FALLBACKS`, `sessionStoreClass`,
 *   `maxDecompressedBytes`
 * @param options the hook told why data was rejected
 * @returns the session dictionary, or `{}`
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
export async function decodeSession(
  value: string,
  settings: Settings,
  options: SessionCodecOptions = {},
): Promise<SessionData> {
  const s = resolveSettings(settings);
  try {
    // Django's signed formats always contain ":"; base64 never does, so the format is unambiguous.
    // sha1 signatures too, as Django 3.1/3.2 accept them (their `Signer.legacy_algorithm`).
    const data = value.includes(":")
      ? await signerFor(s).unsignObject(value, { maxDecompressedBytes: s.maxDecompressedBytes })
      : await legacyDecode(value, [s.SECRET_KEY, ...s.SECRET_KEY_FALLBACKS], s.sessionStoreClass);
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      throw new BadPayload("Session data is not a JSON object");
    }
    return data as SessionData;
  } catch (error) {
    options.onCorrupt?.(error as Error);
    return {};
  }
}
