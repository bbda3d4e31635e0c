/**
 * Keeps Django's `cached_db` sessions coherent when this module writes the database directly.
 *
 * Django's `django.contrib.sessions.backends.cached_db` reads the cache first and the database only on
 * a miss; it writes both. A writer that updates or deletes only the row leaves Django serving the
 * cached copy: old data after an update, and a logged-out user still logged in after a flush. This
 * wrapper deletes Django's cache entry after every write, so Django's next read misses and reloads the
 * row. It never reads or writes the cache itself (Django pickles the dict there), so the database stays
 * the source of truth and the module needs no Redis client: the caller passes one that has `del`.
 *
 * With Django's defaults the entry for session `abc…` is the Redis key
 * `:1:django.contrib.sessions.cached_dbabc…` (`KEY_PREFIX` "", `VERSION` 1, `KEY_FUNCTION`
 * `"%s:%s:%s" % (prefix, version, key)` in `django/core/cache/backends/base.py`).
 *
 * @module
 */

import { DEFAULT_OPERATION_TIMEOUT, guarded } from "./timeout.ts";
import { isValidSessionKey } from "../session/keys.ts";
import type { SessionData, SessionStore } from "../session/store.ts";

/**
 * The one cache call this module makes: deleting a key. Any client whose `del(key)` returns a
 * promise fits: ioredis and Bun's built-in `RedisClient` do.
 *
 * @example
 * ```ts ignore
 * import { Redis } from "ioredis";
 * const cache: CacheDeleter = new Redis("redis://127.0.0.1:6379/0");
 * ```
 */
export interface CacheDeleter {
  /**
   * Deletes `key`; resolves once the cache has done so.
   *
   * @param key the full cache key (prefix and version included)
   * @returns anything (ignored): ioredis resolves with the number of keys deleted
   */
  del(key: string): Promise<unknown>;
}

/** Where Django's cache keeps a session: its `CACHES[SESSION_CACHE_ALIAS]` settings, camelCased. */
export interface CacheInvalidationOptions {
  /**
   * Django's `KEY_PREFIX` for the session cache.
   * @default {""}
   */
  keyPrefix?: string;
  /**
   * Django's `VERSION` for the session cache.
   * @default {1}
   */
  version?: number;
  /**
   * Django's `KEY_FUNCTION`, for a project that replaced the default `prefix:version:key`.
   * @default {(key, keyPrefix, version) => `${keyPrefix}:${version}:${key}`}
   */
  keyFunction?: (key: string, keyPrefix: string, version: number) => string;
  /**
   * The session backend's `cache_key_prefix`; a project subclass of Django's `cached_db` store may
   * change it.
   * @default {"django.contrib.sessions.cached_db"}
   */
  cacheKeyPrefix?: string;
  /**
   * Milliseconds a cache delete may take before it fails with `StoreUnavailable`.
   * @default {5000}
   */
  operationTimeout?: number;
}

/** Django's `default_key_func`. */
function defaultKeyFunction(key: string, keyPrefix: string, version: number): string {
  return `${keyPrefix}:${version}:${key}`;
}

/**
 * Builds the cache key Django's `cached_db` store uses for a session.
 *
 * @param sessionKey the session key
 * @param options the session cache's settings
 * @returns the key as Django's cache stores it, e.g. `:1:django.contrib.sessions.cached_db<key>`
 *
 * @example
 * ```ts
 * import { cachedDbCacheKey } from "@django-interop/session/cached-db";
 * console.log(cachedDbCacheKey("abcdefgh")); // ":1:django.contrib.sessions.cached_dbabcdefgh"
 * ```
 */
export function cachedDbCacheKey(
  sessionKey: string,
  options: CacheInvalidationOptions = {},
): string {
  const {
    keyPrefix = "",
    version = 1,
    keyFunction = defaultKeyFunction,
    cacheKeyPrefix = "django.contrib.sessions.cached_db",
  } = options;
  return keyFunction(cacheKeyPrefix + sessionKey, keyPrefix, version);
}

/**
 * Wraps a database store so that each update and delete also drops Django's `cached_db` cache entry
 * for that session (a key cycle is a create plus a delete, so the old key's entry goes too), and a
 * load that finds no row drops any entry left behind for that key. Loads go to the database, which
 * `cached_db` keeps current.
 *
 * The entry is deleted before the database write and again after it. Before: a cache that cannot be
 * reached then fails the call with nothing written, so the caller can simply try again (a logout
 * that deleted the row first would leave Django serving the cached login, with no row left for a
 * second logout to find). After: a Django request that read the old row between the two deletes
 * does not keep it cached. Should only the second delete fail, the write is done but reported as
 * failed (the session stays modified, so a retried save repeats all three steps), and the next load
 * of a deleted key drops the entry. A request that read the old row just before the write may
 * still cache it a moment later; that window is Django's own between two `cached_db` writers.
 *
 * @param store the database store Django's `cached_db` sessions live in
 * @param cache the caller's client for the cache Django uses (its `SESSION_CACHE_ALIAS`; the primary
 *   when Django's `RedisCache` has replicas); this module never closes it. With ioredis, set
 *   `enableOfflineQueue: false` and `maxRetriesPerRequest: 0`, so that a cache that is down fails
 *   a call at once instead of queueing it until reconnection, and a short `retryStrategy` (e.g.
 *   `() => 200`) so that it is used again soon after it is back.
 * @param options Django's cache settings, camelCased
 * @returns a store with the same contract
 * @throws {StoreUnavailable} from `update`, `delete` and `load` (a missing row) when the cache
 *   refuses the delete (operation `update (cache)`, `delete (cache)`, `load (cache)`): Django could
 *   still serve the cached copy, so that failure is never swallowed
 *
 * @example
 * ```ts ignore
 * import { MysqlBackend } from "@django-interop/session/mysql";
 * import { SessionBackend } from "@django-interop/session";
 * import { withCacheInvalidation } from "@django-interop/session/cached-db";
 * import mysql from "mysql2/promise";
 * import { Redis } from "ioredis";
 * const db = new MysqlBackend(mysql.createPool("mysql://app@127.0.0.1/mysite"), {
 *   secretKey: "django-insecure-…",
 * });
 * // Django: CACHES = {"default": {"BACKEND": "...RedisCache", "KEY_PREFIX": "mysite", ...}}
 * const redis = new Redis({ enableOfflineQueue: false, maxRetriesPerRequest: 0 });
 * const cache = withCacheInvalidation(db.store, redis, { keyPrefix: "mysite" });
 * const sessions = new SessionBackend(cache, db.settings);
 * ```
 */
export function withCacheInvalidation(
  store: SessionStore,
  cache: CacheDeleter,
  options: CacheInvalidationOptions = {},
): SessionStore {
  const drop = async (operation: string, key: string) => {
    if (!isValidSessionKey(key)) return;
    const timeout = options.operationTimeout ?? DEFAULT_OPERATION_TIMEOUT;
    await guarded(`${operation} (cache)`, () => cache.del(cachedDbCacheKey(key, options)), timeout);
  };
  const around = async <T>(operation: string, key: string, write: () => Promise<T>) => {
    await drop(operation, key);
    try {
      return await write();
    } finally {
      // Also when the write fails: a row that vanished (SessionInterrupted) must not live on in
      // the cache, and a cache miss costs Django one database read at most.
      await drop(operation, key);
    }
  };
  return {
    load: async (key) => {
      const data = await store.load(key);
      if (data === null) await drop("load", key);
      return data;
    },
    create: (data: SessionData, expireDate: Date) => store.create(data, expireDate),
    update: (key, data, expireDate) =>
      around("update", key, () => store.update(key, data, expireDate)),
    delete: (key) => around("delete", key, () => store.delete(key)),
    exists: (key) => store.exists(key),
    clearExpired: () => store.clearExpired(),
  };
}
