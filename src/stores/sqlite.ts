/**
 * Django's database session backend on SQLite: the `django_session` table of Django's default
 * `db.sqlite3`, read and written through the caller's own synchronous SQLite connection
 * (`bun:sqlite`, `node:sqlite` or `better-sqlite3`). Django and this backend can serve the same users
 * from the same file, and this is the embedded store a service uses when it has no database server.
 *
 * @module
 */

import { resolveSettings, type Settings } from "../settings/settings.ts";
import { SessionBackend } from "../session/backend.ts";
import type { SessionData } from "../session/store.ts";
import { SqlStore, type SqlStoreOptions } from "./sql.ts";
import { SqliteDialect, type SqliteTableOptions } from "./sqlite_dialect.ts";
import type { SqliteDatabase } from "./sqlite_driver.ts";
import { configureSqlite, type SqliteConnectionOptions } from "./sqlite_schema.ts";

export type { SqliteTableOptions } from "./sqlite_dialect.ts";
export type { SqliteDatabase, SqliteStatement, SqliteValue } from "./sqlite_driver.ts";
export {
  configureSqlite,
  createSqliteSessionTable,
  type SqliteConnectionOptions,
} from "./sqlite_schema.ts";

/**
 * Options of {@linkcode SqliteBackend}: secret key and codec, session settings, the table, and how
 * the connection is set up for sharing the file.
 */
export interface SqliteBackendOptions
  extends SqlStoreOptions, SqliteTableOptions, SqliteConnectionOptions {}

/**
 * Sessions in a SQLite file's `django_session`, shared with Django's `db` backend on the same file.
 * Takes the caller's connection and never closes it; on creation it sets that connection's
 * `busy_timeout` and switches the file to WAL (see {@linkcode configureSqlite}; `busyTimeout: null`
 * and `wal: false` leave them alone). Statements are synchronous, as the drivers are: a file locked by
 * another process holds this thread for up to `busyTimeout`, then the call rejects with
 * `StoreUnavailable`.
 *
 * @typeParam T the shape of the session data
 *
 * @example
 * ```ts ignore
 * import { Database } from "bun:sqlite"; // or node:sqlite's DatabaseSync, or better-sqlite3
 * import { SqliteBackend } from "@django-interop/session/sqlite";
 * const sessions = new SqliteBackend(new Database("mysite/db.sqlite3"), {
 *   secretKey: Deno.env.get("DJANGO_SECRET_KEY")!,
 * });
 * const session = await sessions.getSession(cookieValue).load();
 * ```
 */
export class SqliteBackend<T extends SessionData = SessionData> extends SessionBackend<T> {
  /**
   * Creates the backend and sets up the connection.
   *
   * @param db the caller's `bun:sqlite` `Database`, `node:sqlite` `DatabaseSync` or `better-sqlite3`
   *   database
   * @param settings Django's settings (`djangoSettings(…)`, or its input)
   * @param options `table`, `busyTimeout`, `wal`, `synchronous`, codec and key options
   * @throws {ImproperlyConfigured} when `table`, `busyTimeout` or `synchronous` is invalid
   * @throws {StoreUnavailable} when the connection refuses its PRAGMAs (operation `configure`)
   */
  constructor(db: SqliteDatabase, settings: Settings, options: SqliteBackendOptions = {}) {
    const { table, busyTimeout, wal, synchronous, ...store } = options;
    const checked = resolveSettings(settings);
    const dialect = new SqliteDialect(db, { table });
    configureSqlite(db, { busyTimeout, wal, synchronous });
    super(new SqlStore(dialect, checked, store), checked);
  }
}
