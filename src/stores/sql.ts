/**
 * The generic SQL store behind every database backend: Django's `backends/db.py` written once, over a
 * small {@linkcode SqlDialect} that each driver (postgres.js, Bun.sql, PGlite, SQLite, MySQL) fills
 * with six queries on Django's `django_session` table.
 *
 * @module
 */

import { SessionInterrupted, StoreUnavailable } from "../errors.ts";
import { isValidSessionKey, newSessionKey } from "../session/keys.ts";
import type { SessionData, SessionStore } from "../session/store.ts";
import { DEFAULT_OPERATION_TIMEOUT, guarded } from "./timeout.ts";
import { VerifiedCache } from "./verified_cache.ts";
import { decodeSession, encodeSession, type SessionCodecOptions } from "../session/codec.ts";
import { type DjangoSettings, resolveSettings, type Settings } from "../settings/settings.ts";

/**
 * The queries a database driver supplies on `django_session(session_key, session_data, expire_date)`.
 * Keys reaching a dialect are always valid Django keys. Errors a dialect throws become
 * `StoreUnavailable`.
 *
 * @example
 * ```ts ignore
 * const dialect: SqlDialect = {
 *   select: async (key) => (await db.get("select session_data ...", key))?.session_data ?? null,
 *   // insert, update, delete, exists, deleteExpired
 * };
 * ```
 */
export interface SqlDialect {
  /** `session_data` of the row with this key whose `expire_date` is after the database's now, or null. */
  select(key: string): Promise<string | null>;
  /** Inserts a row; resolves false (not an error) when the key already exists. */
  insert(key: string, data: string, expireDate: Date): Promise<boolean>;
  /** Updates the row's data and expiry; resolves false when no row has this key. */
  update(key: string, data: string, expireDate: Date): Promise<boolean>;
  /** Deletes the row, if any. */
  delete(key: string): Promise<void>;
  /** Whether a row has this key, expired or not. */
  exists(key: string): Promise<boolean>;
  /** Deletes rows whose `expire_date` is before now; resolves with how many. */
  deleteExpired(): Promise<number>;
}

/**
 * Options of {@linkcode SqlStore}: the codec's options (compression, the corruption hook) and the
 * key source.
 */
export interface SqlStoreOptions extends SessionCodecOptions {
  /**
   * How many fresh keys `create` draws before giving up on unique violations.
   *
   * @default {8}
   */
  maxCreateAttempts?: number;
  /**
   * How many characters of already-verified `session_data` (plus their data as JSON) to remember, so
   * that loading an unchanged session again skips the signature check; 0 turns this off. What the
   * store itself wrote counts as verified, so the load after a save (every request's, with
   * `SESSION_SAVE_EVERY_REQUEST`) skips it too.
   *
   * @default {1048576}
   */
  verifiedCacheChars?: number;
  /**
   * Milliseconds each query may take before it fails with `StoreUnavailable` (0 waits as long as
   * the driver does). Bound the rest in the client: postgres.js `connect_timeout: 1` and a short
   * `backoff` (e.g. `() => 0.1`: its default waits up to 20 s before reconnecting after repeated
   * failures, so the first requests after an outage would still fail); mysql2's `connectTimeout`
   * (milliseconds).
   *
   * @default {5000}
   */
  operationTimeout?: number;
  /**
   * Draws a new key; replace it only to force collisions in tests or to add entropy. Its keys must
   * pass `isValidSessionKey`.
   *
   * @default {newSessionKey}
   */
  newKey?: () => string;
}

/**
 * A {@linkcode SessionStore} on a SQL table: validates keys before any query, encodes and decodes
 * Django's signed `session_data`, retries key collisions and wraps driver errors in
 * `StoreUnavailable`.
 *
 * @example
 * ```ts ignore
 * const store = new SqlStore(dialect, djangoSettings({ SECRET_KEY: "django-insecure-..." }));
 * const key = await store.create({ cart: [1, 2] }, new Date(Date.now() + 3600_000));
 * ```
 */
export class SqlStore implements SessionStore {
  #dialect: SqlDialect;
  #settings: DjangoSettings;
  #codec: SessionCodecOptions;
  #maxCreateAttempts: number;
  #newKey: () => string;
  #verified: VerifiedCache;
  #timeout: number;

  /**
   * Creates the store.
   *
   * @param dialect the driver's queries
   * @param settings Django's settings (the codec's keys and salt)
   * @param options codec options, key source and caches
   */
  constructor(dialect: SqlDialect, settings: Settings, options: SqlStoreOptions = {}) {
    const {
      maxCreateAttempts = 8,
      newKey = newSessionKey,
      verifiedCacheChars = 1024 * 1024,
      operationTimeout = DEFAULT_OPERATION_TIMEOUT,
      ...codec
    } = options;
    this.#timeout = operationTimeout;
    this.#dialect = dialect;
    this.#settings = resolveSettings(settings);
    this.#codec = codec;
    this.#maxCreateAttempts = maxCreateAttempts;
    this.#newKey = newKey;
    this.#verified = new VerifiedCache(verifiedCacheChars);
  }

  /**
   * Loads a live session; bad keys and missing or expired rows read as null, a row whose data does
   * not verify as `{}` (as Django loads it).
   *
   * @param key the session key
   * @returns the data, or null
   * @throws {StoreUnavailable} when the query fails
   */
  async load(key: string): Promise<SessionData | null> {
    if (!isValidSessionKey(key)) return null;
    const stored = await this.#run("load", () => this.#dialect.select(key));
    if (stored === null) return null;
    const known = this.#verified.get(stored);
    if (known) return known;
    let corrupt = false;
    const data = await decodeSession(stored, this.#settings, {
      ...this.#codec,
      onCorrupt: (error) => {
        corrupt = true;
        this.#codec.onCorrupt?.(error);
      },
    });
    // Django's db backend keeps the key of a row whose data does not verify and loads it as {}:
    // saving then rewrites that row rather than leaving it behind under a new key.
    if (!corrupt) this.#verified.set(stored, data);
    return data;
  }

  /**
   * Inserts under a fresh key, drawing again on a unique violation (Django's `create` loop, bounded).
   *
   * @param data the session data
   * @param expireDate the row's `expire_date`
   * @returns the new key
   * @throws {StoreUnavailable} when the query fails or every attempt collided
   */
  async create(data: SessionData, expireDate: Date): Promise<string> {
    const encoded = await encodeSession(data, this.#settings, this.#codec);
    for (let attempt = 0; attempt < this.#maxCreateAttempts; attempt++) {
      const key = this.#newKey();
      if (await this.#run("create", () => this.#dialect.insert(key, encoded, expireDate))) {
        this.#verified.set(encoded, data);
        return key;
      }
    }
    throw new StoreUnavailable(
      "create",
      new Error(`${this.#maxCreateAttempts} new session keys in a row already existed`),
    );
  }

  /**
   * Rewrites an existing row (Django's `save(force_update=True)`, which ignores expiry).
   *
   * @param key the session key
   * @param data the session data
   * @param expireDate the row's new `expire_date`
   * @returns the same key
   * @throws {SessionInterrupted} when the row is gone
   * @throws {StoreUnavailable} when the query fails
   */
  async update(key: string, data: SessionData, expireDate: Date): Promise<string> {
    if (!isValidSessionKey(key)) throw new SessionInterrupted(String(key));
    const encoded = await encodeSession(data, this.#settings, this.#codec);
    if (!await this.#run("update", () => this.#dialect.update(key, encoded, expireDate))) {
      throw new SessionInterrupted(key);
    }
    this.#verified.set(encoded, data);
    return key;
  }

  /**
   * Deletes the row; a bad key has no row.
   *
   * @param key the session key
   * @throws {StoreUnavailable} when the query fails
   */
  async delete(key: string): Promise<void> {
    if (isValidSessionKey(key)) await this.#run("delete", () => this.#dialect.delete(key));
  }

  /**
   * Whether a row exists, expired or not; a bad key has none.
   *
   * @param key the session key
   * @returns true when the row exists
   * @throws {StoreUnavailable} when the query fails
   */
  async exists(key: string): Promise<boolean> {
    return isValidSessionKey(key) && await this.#run("exists", () => this.#dialect.exists(key));
  }

  /**
   * Deletes expired rows.
   *
   * @returns how many were deleted
   * @throws {StoreUnavailable} when the query fails
   */
  clearExpired(): Promise<number> {
    return this.#run("clearExpired", () => this.#dialect.deleteExpired());
  }

  /** A dialect call under the operation timeout, driver failures as `StoreUnavailable`. */
  #run<T>(operation: string, query: () => Promise<T>): Promise<T> {
    return guarded(operation, query, this.#timeout);
  }
}

/**
 * The name Django gives the `expire_date` index: `<table>_<column>_<md5 digest[:8]>`
 * (`_create_index_name`). Web Crypto has no MD5, so the digest is known for Django's own table only
 * and other tables get a plain name.
 *
 * @param table the session table
 * @returns the index name
 */
export function expireDateIndexName(table: string): string {
  return table === "django_session"
    ? "django_session_expire_date_a5c62663"
    : `${table}_expire_date`;
}
