/**
 * Prepares a SQLite file for sessions: Django's exact `django_session` table for a service that runs
 * before (or without) Django's `migrate`, and the connection settings that let Django and our
 * servers share one file.
 *
 * What `manage.py migrate sessions` leaves in `sqlite_master` (Django 3.2, 4.2 and 5.2 alike):
 *
 * ```sql
 * CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY,
 *   "session_data" text NOT NULL, "expire_date" datetime NOT NULL)
 * CREATE INDEX "django_session_expire_date_a5c62663" ON "django_session" ("expire_date")
 * ```
 *
 * @module
 */

import { ImproperlyConfigured, StoreUnavailable } from "../errors.ts";
import type { SqliteDatabase } from "./sqlite_driver.ts";
import { sqliteTable, type SqliteTableOptions } from "./sqlite_dialect.ts";
import { expireDateIndexName } from "./sql.ts";

/**
 * Creates the session table and its `expire_date` index unless they exist. SQLite drops the
 * `IF NOT EXISTS` when it records a statement, so `sqlite_master` ends up byte for byte as Django's
 * migration leaves it. Django's `migrate` does not know about a table made here: run
 * `manage.py migrate --fake-initial` afterwards.
 *
 * Call it once the connection is set up (`new SqliteBackend(db, …)` or {@linkcode configureSqlite}):
 * `bun:sqlite` and `node:sqlite` wait 0 ms for a lock by default, so a Django `migrate` or another
 * server starting on the same file at that moment would make it fail at once.
 *
 * @param db the caller's `bun:sqlite`, `node:sqlite` or `better-sqlite3` database (not closed)
 * @param options the table name
 * @throws {ImproperlyConfigured} when `table` is not a plain identifier
 * @throws {StoreUnavailable} when SQLite refuses a statement (operation `createTable`)
 *
 * @example
 * ```ts ignore
 * import { Database } from "bun:sqlite"; // or node:sqlite's DatabaseSync, or better-sqlite3
 * import { createSqliteSessionTable, SqliteBackend } from "@django-interop/session/sqlite";
 * const db = new Database("db.sqlite3");
 * const sessions = new SqliteBackend(db, { secretKey: Bun.env.DJANGO_SECRET_KEY! });
 * createSqliteSessionTable(db);
 * ```
 */
export function createSqliteSessionTable(
  db: SqliteDatabase,
  { table = "django_session" }: SqliteTableOptions = {},
): void {
  const quoted = sqliteTable(table);
  execute("createTable", db, [
    `CREATE TABLE IF NOT EXISTS ${quoted} ("session_key" varchar(40) NOT NULL PRIMARY KEY, ` +
    `"session_data" text NOT NULL, "expire_date" datetime NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS "${expireDateIndexName(table)}" ON ${quoted} ("expire_date")`,
  ]);
}

/** Runs statements in order; a failure is `StoreUnavailable`. */
function execute(operation: string, db: SqliteDatabase, statements: string[]): void {
  try {
    for (const sql of statements) db.prepare(sql).run();
  } catch (error) {
    throw new StoreUnavailable(operation, error);
  }
}

/** How {@linkcode configureSqlite} sets up the caller's connection. */
export interface SqliteConnectionOptions {
  /**
   * Milliseconds a statement waits for another process's lock before it fails (`PRAGMA
   * busy_timeout`, per connection). The default is the 5 s Django's own connections wait (Python's
   * `sqlite3.connect(timeout=5.0)`; Django's `OPTIONS: {"timeout": …}` changes it). The wait blocks
   * this thread: SQLite drivers are synchronous. `null` leaves the connection's setting alone.
   * @default {5000}
   */
  busyTimeout?: number | null;
  /**
   * Switch the file to write-ahead logging (`PRAGMA journal_mode = WAL`), so that readers (Django's
   * requests and ours) never wait for a writer and a writer never waits for readers. The mode is
   * stored in the file, so Django's connections use it too. All processes must be on one host.
   * @default {true}
   */
  wal?: boolean;
  /**
   * `PRAGMA synchronous` for this connection, or `null` to leave it. With WAL, `"NORMAL"` syncs the
   * log at checkpoints rather than at every commit: the file cannot be corrupted, but the last
   * commits may be lost on a power cut or OS crash (not on a process crash). Measured on one
   * machine with `bun:sqlite` and `node:sqlite`, session UPDATEs went from ~200/s to ~20,000/s;
   * `better-sqlite3` is built with `"NORMAL"` as its WAL default already. It applies to everything written through the connection, which is yours,
   * so it is not changed unless you ask.
   * @default {null}
   */
  synchronous?: "NORMAL" | "FULL" | null;
}

const SYNCHRONOUS = new Set(["NORMAL", "FULL"]);

/**
 * Sets the caller's connection up for a file shared with Django: a busy timeout, so that a write
 * meeting another process's lock waits instead of failing at once with `SQLITE_BUSY` (`bun:sqlite`
 * and `node:sqlite` wait 0 ms unless told), WAL journaling, and `synchronous` only when asked.
 * These are PRAGMAs on the caller's own connection; nothing else about it changes.
 *
 * @param db the caller's `bun:sqlite`, `node:sqlite` or `better-sqlite3` database
 * @param options the timeout, journal mode and sync level
 * @throws {ImproperlyConfigured} when `busyTimeout` is not a whole number of milliseconds ≥ 0, or
 *   `synchronous` is not one of its values
 * @throws {StoreUnavailable} when a PRAGMA fails (operation `configure`), e.g. when the file stays
 *   locked longer than the timeout while switching to WAL
 *
 * @example
 * ```ts ignore
 * import { Database } from "bun:sqlite";
 * import { configureSqlite } from "@django-interop/session/sqlite";
 * configureSqlite(new Database("db.sqlite3"), { busyTimeout: 10_000 });
 * ```
 */
export function configureSqlite(
  db: SqliteDatabase,
  { busyTimeout = 5000, wal = true, synchronous = null }: SqliteConnectionOptions = {},
): void {
  if (busyTimeout !== null && !(Number.isSafeInteger(busyTimeout) && busyTimeout >= 0)) {
    throw new ImproperlyConfigured(
      `busyTimeout must be whole milliseconds ≥ 0, got ${busyTimeout}`,
    );
  }
  if (synchronous !== null && !SYNCHRONOUS.has(synchronous)) {
    throw new ImproperlyConfigured(
      `synchronous must be "NORMAL", "FULL" or null, got ${synchronous}`,
    );
  }
  // The timeout goes first, so that switching to WAL itself waits out a busy file.
  execute("configure", db, [
    ...busyTimeout === null ? [] : [`PRAGMA busy_timeout = ${busyTimeout}`],
    ...wal ? ["PRAGMA journal_mode = WAL"] : [],
    ...synchronous === null ? [] : [`PRAGMA synchronous = ${synchronous}`],
  ]);
}
