/**
 * Django's `signed_cookies` session engine: no storage at all, the cookie value IS the session,
 * `signing.dumps(data, salt="django.contrib.sessions.backends.signed_cookies", compress=True)`:
 *
 * ```ts
 * import { loads } from "@django-interop/session/signing";
 * // Django 5.2: signing.dumps({"cart": [1, 2]}, salt=..., compress=True) at 1700000000
 * const cookie = "eyJjYXJ0IjpbMSwyXX0:1r31eq:2mPJY_FaophZsfedjJXGQadp55nEWK213mlVXZ0e3Qw";
 * const salt = "django.contrib.sessions.backends.signed_cookies";
 * console.log(await loads(cookie, { key: "django-insecure-key", salt })); // { cart: [ 1, 2 ] }
 * ```
 *
 * (`{"cart":[1,2]}` in URL-safe base64, the base62 time, the signature; a leading `.` marks a zlib
 * payload). Loading checks the signature and then its age against `cookieAge`, Django's
 * `SESSION_COOKIE_AGE`, as Django does. It also refuses a session whose own expiry
 * (`setExpiry`, counted from the signing time) has passed, which Django leaves to the browser
 * dropping the cookie: a replayed cookie then fails here as an expired row fails in a database.
 * Anyone who has the cookie can read the data (signed, not encrypted), and a logged-out cookie
 * replayed before it expires still loads: Django's documented limits of this engine.
 *
 * @module
 */

import { BadPayload, CookieTooLarge, SessionUnreadable } from "../errors.ts";
import { base62Decode } from "../primitives/base64.ts";
import { dumps, loads, type LoadsOptions } from "../signing/dumps.ts";
import { SessionBackend } from "../session/backend.ts";
import { expiryDate } from "../session/expiry.ts";
import { resolveSettings, type Settings } from "../settings/settings.ts";
import type { SessionData, SessionStore } from "../session/store.ts";

/** The salt Django's `signed_cookies.SessionStore` signs with (its module path, not the class). */
const SALT = "django.contrib.sessions.backends.signed_cookies";
const EXPIRY = "_session_expiry";

/**
 * What browsers keep of one cookie: at least 4096 bytes of name and value (RFC 6265 §6.1); Chromium
 * and Firefox refuse a larger `name=value` without a word.
 */
const BROWSER_COOKIE_LIMIT = 4096;

/** Options of {@linkcode SignedCookieStore}: ours; Django's settings come in the settings object. */
export interface SignedCookieStoreOptions {
  /**
   * The most bytes `name=value` may take; saving more throws {@linkcode CookieTooLarge}.
   * @default {4096}
   */
  maxCookieSize?: number;
  /**
   * Told why a cookie was rejected (Django's `signed_cookies` swallows the reason).
   * @default {undefined}
   */
  onCorrupt?: (error: Error) => void;
  /**
   * Django 3.1/3.2's `DEFAULT_HASHING_ALGORITHM`: `"sha1"` signs cookies with HMAC-SHA1, as such a
   * site does and as it alone verifies. Loading accepts both, as Django 3.1/3.2 do.
   * @default {"sha256"}
   */
  defaultHashingAlgorithm?: "sha256" | "sha1";
}

/**
 * A {@linkcode SessionStore} whose keys are the signed sessions themselves: `create` and `update`
 * return the new cookie value, `load` verifies it, and there is nothing to delete, look up or clear
 * (Django's `exists` is always false and `clear_expired` does nothing here either).
 *
 * Past the browser's cookie limit Django sends the cookie anyway and the browser silently drops it, so
 * the user's changes vanish on the next request; this store refuses instead, with
 * {@linkcode CookieTooLarge}, so the failure shows where the data was added.
 *
 * @example
 * ```ts
 * import { SignedCookieStore } from "@django-interop/session/signed-cookies";
 * const store = new SignedCookieStore({ SECRET_KEY: "django-insecure-key" });
 * const cookie = await store.create({ cart: [1, 2] }, new Date());
 * console.log(await store.load(cookie)); // { cart: [ 1, 2 ] }
 * ```
 */
export class SignedCookieStore implements SessionStore {
  readonly #loadOptions: LoadsOptions;
  readonly #maxAge: number;
  readonly #room: number;
  readonly #onCorrupt?: (error: Error) => void;

  /**
   * Creates the store.
   *
   * @param settings Django's settings: `SECRET_KEY`, `SECRET_KEY_FALLBACKS`, `SESSION_COOKIE_AGE`
   *   (the signature's age limit), `SESSION_COOKIE_NAME` (counted in the size limit)
   * @param options the size limit and the corruption hook
   * @throws {ImproperlyConfigured} for a setting Django would refuse
   */
  constructor(settings: Settings, options: SignedCookieStoreOptions = {}) {
    const s = resolveSettings(settings);
    const { maxCookieSize = BROWSER_COOKIE_LIMIT, onCorrupt } = options;
    this.#loadOptions = {
      key: s.SECRET_KEY,
      fallbackKeys: [...s.SECRET_KEY_FALLBACKS],
      salt: SALT,
      maxAge: s.SESSION_COOKIE_AGE,
      maxDecompressedBytes: s.maxDecompressedBytes,
      algorithm: s.DEFAULT_HASHING_ALGORITHM,
      // Django 3.1/3.2's Signer.legacy_algorithm: sha1 signatures verify whatever the setting.
      legacyAlgorithm: "sha1",
    };
    this.#maxAge = s.SESSION_COOKIE_AGE;
    this.#room = maxCookieSize - s.SESSION_COOKIE_NAME.length - 1;
    this.#onCorrupt = onCorrupt;
  }

  /**
   * Verifies a cookie value; a bad signature or an old one reads as no session.
   *
   * @param key the cookie value
   * @returns the data, or null
   * @throws {SessionUnreadable} when the signature verifies but the payload cannot be read (past
   *   `maxDecompressedBytes`, too deep, not an object): a new session would replace the cookie
   */
  async load(key: string): Promise<SessionData | null> {
    let data: unknown;
    try {
      data = await loads(key, this.#loadOptions);
    } catch (error) {
      // Django's signed_cookies.load catches every exception and starts an empty session; a
      // payload that verified was written by a key holder, and is kept rather than replaced.
      this.#onCorrupt?.(error as Error);
      if (error instanceof BadPayload) throw new SessionUnreadable(error.message, { cause: error });
      return null;
    }
    if (!isPlainObject(data)) throw new SessionUnreadable("the signed cookie is not a JSON object");
    // The value was verified, so its timestamp (second-to-last field) is well formed.
    const signedAt = new Date(base62Decode(key.split(":").at(-2)!) * 1000);
    const expires = expiryDate(data[EXPIRY], this.#maxAge, signedAt);
    return expires.getTime() > Date.now() ? data : null;
  }

  /**
   * Signs `data` into a new cookie value.
   *
   * @param data the session data
   * @param _expireDate unused: the signature's age is checked against `SESSION_COOKIE_AGE`, as in Django
   * @returns the cookie value
   * @throws {CookieTooLarge} when the cookie would pass `maxCookieSize`
   */
  async create(data: SessionData, _expireDate?: Date): Promise<string> {
    const { key, salt, maxDecompressedBytes, algorithm } = this.#loadOptions;
    const value = await dumps(data, { key, salt, compress: true, maxDecompressedBytes, algorithm });
    if (value.length > this.#room) throw new CookieTooLarge(value.length, this.#room);
    return value;
  }

  /**
   * Signs `data` again: the new value replaces the old cookie.
   *
   * @param _key the old value (nothing to update in place)
   * @param data the session data
   * @param _expireDate unused, as for `create`
   * @returns the new cookie value
   * @throws {CookieTooLarge} when the cookie would pass `maxCookieSize`
   */
  update(_key: string, data: SessionData, _expireDate?: Date): Promise<string> {
    return this.create(data);
  }

  /** Nothing to delete: dropping the cookie is the HTTP layer's job. */
  delete(): Promise<void> {
    return Promise.resolve();
  }

  /** Always false, as in Django: there is no server-side record. */
  exists(): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** Nothing to clear: expired cookies fail their `maxAge` check. */
  clearExpired(): Promise<number> {
    return Promise.resolve(0);
  }
}

function isPlainObject(value: unknown): value is SessionData {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Django's `SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"`: sessions that live
 * in the cookie, sharing one `SESSION_COOKIE_AGE` between the signature's age limit and the
 * cookie's expiry.
 *
 * @typeParam T the shape of the session data
 *
 * @example
 * ```ts
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 * const sessions = new SignedCookieBackend({
 *   SECRET_KEY: "django-insecure-key",
 *   SESSION_COOKIE_AGE: 3600,
 * });
 * const session = await sessions.getSession(null).load();
 * session.set("cart", [1, 2]);
 * await session.save();
 * console.log(session.key?.split(":").length); // 3
 * ```
 */
export class SignedCookieBackend<T extends SessionData = SessionData> extends SessionBackend<T> {
  /**
   * Creates the backend.
   *
   * @param settings Django's settings (`djangoSettings(…)`, or its input)
   * @param options the size limit and the corruption hook
   * @throws {ImproperlyConfigured} for a setting Django would refuse
   */
  constructor(settings: Settings, options: SignedCookieStoreOptions = {}) {
    const checked = resolveSettings(settings);
    super(new SignedCookieStore(checked, options), checked);
  }
}
