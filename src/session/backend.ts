/**
 * A session backend: a store plus the session settings, handing out lazy sessions. This is the
 * object a service creates once (like Django's `SESSION_ENGINE` + `SESSION_*` settings) and the HTTP
 * layer asks for a session per request.
 *
 * @module
 */

import { type DjangoSettings, resolveSettings, type Settings } from "../settings/settings.ts";
import { Session } from "./session.ts";
import type { SessionData, SessionStore } from "./store.ts";

/**
 * Hands out sessions for one store and one set of settings.
 *
 * @typeParam T the shape of the session data
 *
 * @example
 * ```ts
 * import { SessionBackend } from "@django-interop/session";
 * import { SignedCookieStore } from "@django-interop/session/signed-cookies";
 *
 * const settings = { SECRET_KEY: "django-insecure-key", SESSION_COOKIE_AGE: 3600 };
 * const backend = new SessionBackend(new SignedCookieStore(settings), settings);
 * const session = await backend.getSession(null).load();
 * console.log(session.isEmpty, session.getExpiryAge()); // true 3600
 * ```
 */
export class SessionBackend<T extends SessionData = SessionData> {
  /** The store every session of this backend reads and writes. */
  readonly store: SessionStore;
  /** The settings every session of this backend follows. */
  readonly settings: DjangoSettings;

  /**
   * Creates a backend.
   *
   * @param store where sessions live
   * @param settings Django's settings (`djangoSettings(…)`, or its input)
   * @throws {ImproperlyConfigured} for a setting Django would refuse
   */
  constructor(store: SessionStore, settings: Settings) {
    this.store = store;
    this.settings = resolveSettings(settings);
  }

  /**
   * A lazy session for `key` (no I/O until `load()`); no key, or a bad one, gives a new session.
   *
   * @param key the cookie value, if any
   * @returns the session
   */
  getSession(key: string | null = null): Session<T> {
    return new Session<T>(this.store, key, this.settings);
  }

  /**
   * Whether a row exists under `key`, expired or not (Django's `exists`).
   *
   * @param key the session key
   * @returns true when the row exists
   * @throws {StoreUnavailable} when the store fails
   */
  exists(key: string): Promise<boolean> {
    return this.store.exists(key);
  }

  /**
   * Deletes the session `key` (a missing one is not an error).
   *
   * @param key the session key
   * @throws {StoreUnavailable} when the store fails
   */
  delete(key: string): Promise<void> {
    return this.store.delete(key);
  }

  /**
   * Deletes every expired session (Django's `clearsessions`).
   *
   * @returns how many were deleted
   * @throws {StoreUnavailable} when the store fails
   */
  clearExpired(): Promise<number> {
    return this.store.clearExpired();
  }
}
