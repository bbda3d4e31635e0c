/**
 * Django's `django_session` table in a SQLite file (Django's default `db.sqlite3`), spoken through
 * the caller's synchronous SQLite connection.
 *
 * SQLite has no date type: Django's migration declares `expire_date datetime`, and Django writes and
 * compares it as TEXT, the naive UTC `str()` of a datetime (`2026-11-25 20:17:49.143014`) when
 * `USE_TZ = True` (the default since Django 5.0; with `USE_TZ = False` and a `TIME_ZONE` other than
 * UTC, Django writes local time and the two sides would disagree on expiry). "Now" is this
 * process's clock, as it is Django's (`timezone.now()`), bound in the same text shape so that both
 * sides' `expire_date > now` sort alike.
 *
 * @module
 */

import { ImproperlyConfigured } from "../errors.ts";
import {
  changedRows,
  firstRow,
  type SqliteDatabase,
  sqliteDateTime,
  type SqliteStatement,
} from "./sqlite_driver.ts";
import { clockText } from "./clock_text.ts";

const sqliteNow = clockText(sqliteDateTime);

/** Options shared by the SQLite dialect and the table helper. */
export interface SqliteTableOptions {
  /**
   * The session table (`Session._meta.db_table`); a custom session model has its own.
   * @default {"django_session"}
   */
  table?: string;
}

/** A plain SQLite identifier: anything else is refused rather than quoted. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Checks and double-quotes the table name, as Django quotes it.
 *
 * @param table the table name
 * @returns the name in double quotes
 * @throws {ImproperlyConfigured} when the name is not a plain identifier
 */
export function sqliteTable(table = "django_session"): string {
  if (!IDENTIFIER.test(table)) {
    throw new ImproperlyConfigured(`table must be a plain SQLite identifier, got ${table}`);
  }
  return `"${table}"`;
}

/** Runs synchronous driver work; a driver's throw becomes a rejection, for `SqlStore` to wrap. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The session table's statements on SQLite, in the shape `SqlStore` drives. Statements are prepared
 * once per dialect and reused. Each runs on its own (SQLite's autocommit), so a write holds the
 * file's write lock only for that statement, and a busy file waits the connection's `busy_timeout`
 * and then throws, which `SqlStore` reports as `StoreUnavailable`.
 */
export class SqliteDialect {
  readonly #db: SqliteDatabase;
  readonly #table: string;
  readonly #statements = new Map<string, SqliteStatement>();

  /**
   * Binds the dialect to a connection and table.
   *
   * @param db the caller's `bun:sqlite`, `node:sqlite` or `better-sqlite3` database (never closed here)
   * @param options the table name
   * @throws {ImproperlyConfigured} when `table` is not a plain identifier
   */
  constructor(db: SqliteDatabase, { table }: SqliteTableOptions = {}) {
    this.#db = db;
    this.#table = sqliteTable(table);
  }

  #statement(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql);
    if (!statement) this.#statements.set(sql, statement = this.#db.prepare(sql));
    return statement;
  }

  /** The `session_data` of the unexpired row `key`, or `null`. */
  select(key: string): Promise<string | null> {
    return settle(() => {
      const row = this.#row(
        `SELECT session_data FROM ${this.#table} WHERE session_key = ? AND expire_date > ?`,
        key,
        sqliteNow(),
      );
      return typeof row?.session_data === "string" ? row.session_data : null;
    });
  }

  /**
   * Inserts a new row; `false` when the key is taken. `ON CONFLICT (session_key) DO NOTHING` turns
   * only a primary-key clash into "no row inserted", without parsing three drivers' error shapes.
   */
  insert(key: string, data: string, expireDate: Date): Promise<boolean> {
    return this.#write(
      `INSERT INTO ${this.#table} (session_key, session_data, expire_date) VALUES (?, ?, ?) ` +
        "ON CONFLICT (session_key) DO NOTHING",
      key,
      data,
      sqliteDateTime(expireDate),
    ).then((changed) => changed > 0);
  }

  /** Rewrites the row `key`; `false` when there is none (SQLite counts matched rows). */
  update(key: string, data: string, expireDate: Date): Promise<boolean> {
    return this.#write(
      `UPDATE ${this.#table} SET session_data = ?, expire_date = ? WHERE session_key = ?`,
      data,
      sqliteDateTime(expireDate),
      key,
    ).then((changed) => changed > 0);
  }

  /** Deletes the row `key`, if any. */
  async delete(key: string): Promise<void> {
    await this.#write(`DELETE FROM ${this.#table} WHERE session_key = ?`, key);
  }

  /** Whether a row `key` exists, expired or not (Django's `exists`). */
  exists(key: string): Promise<boolean> {
    return settle(() =>
      this.#row(`SELECT 1 AS found FROM ${this.#table} WHERE session_key = ?`, key) !== null
    );
  }

  /** Deletes the rows that expired before now (Django's `expire_date__lt=now`); resolves with how many. */
  deleteExpired(): Promise<number> {
    return this.#write(
      `DELETE FROM ${this.#table} WHERE expire_date < ?`,
      sqliteNow(),
    );
  }

  #row(sql: string, ...params: string[]): Record<string, unknown> | null {
    return firstRow(this.#statement(sql).get(...params));
  }

  #write(sql: string, ...params: string[]): Promise<number> {
    return settle(() => changedRows(this.#statement(sql).run(...params)));
  }
}
