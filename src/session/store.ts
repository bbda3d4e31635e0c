/**
 * The store contract: the short list of calls a session backend fills in, after Django's
 * `SessionBase` subclasses (`load`, `create`, `save`, `exists`, `delete`, `clear_expired`).
 * A store never knows about HTTP; it receives and returns decoded session dictionaries and does its
 * own encoding (a database row holds Django's signed text, a cache a serialised dict, a signed cookie
 * is its own key).
 *
 * @module
 */

/** A session's data: the JSON object Django keeps in `session_data`. */
export type SessionData = Record<string, unknown>;

/**
 * Where sessions live. Every method may reject with `StoreUnavailable` when the storage itself fails;
 * bad or foreign data is never an error: it reads as "no session".
 *
 * @example
 * ```ts
 * import type { SessionStore } from "@django-interop/session";
 * const memory = new Map<string, string>();
 * const store: Pick<SessionStore, "exists"> = { exists: async (key) => memory.has(key) };
 * ```
 */
export interface SessionStore {
  /**
   * The data of the live (not expired) session under `key`, or `null` when there is none, it has
   * expired or the key cannot be a Django key. Stored data that fails to verify or decode loads as
   * `{}` where the key itself stays valid (a database row, as Django's db backend does) and as `null`
   * where the data is the key (a signed cookie).
   */
  load(key: string): Promise<SessionData | null>;

  /**
   * Stores `data` under a new key and returns that key. A database store draws a random key and, on a
   * unique violation, draws again (bounded); a signed-cookie store returns the signed data itself.
   */
  create(data: SessionData, expireDate: Date): Promise<string>;

  /**
   * Replaces the data of the existing session `key` and returns the key to use from now on (the same
   * key for a database; the new signed value for a signed cookie). Rejects with `SessionInterrupted`
   * when the session no longer exists.
   */
  update(key: string, data: SessionData, expireDate: Date): Promise<string>;

  /** Deletes the session `key`; deleting a missing session is not an error. */
  delete(key: string): Promise<void>;

  /** Whether a session row exists under `key` (Django's `exists`, which ignores expiry). */
  exists(key: string): Promise<boolean>;

  /** Deletes every expired session (Django's `clearsessions`); resolves with how many it deleted. */
  clearExpired(): Promise<number>;
}

/**
 * Stores `value` under `key` as an own property even for `__proto__`, which plain assignment would
 * take as the prototype: every key is a plain key, as in Django's dict and in `JSON.parse`.
 *
 * @param data the session data
 * @param key the key
 * @param value the value
 */
export function put(data: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(data, key, { value, writable: true, enumerable: true, configurable: true });
}
