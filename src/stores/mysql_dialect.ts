/**
 * Django's `django_session` table on MySQL and MariaDB, spoken through the caller's `mysql2`
 * (promise API) pool or connection.
 *
 * Django's MySQL migration makes `session_key varchar(40)`, `session_data longtext` and
 * `expire_date datetime(6)`, a naive UTC time (with `USE_TZ = True`, Django's default since 5.0). Times
 * are therefore sent as `YYYY-MM-DD HH:MM:SS.ffffff` UTC strings, never as `Date` objects: `mysql2`
 * would convert those with the pool's own `timezone` option, which this module does not control.
 * "Now" is this process's clock, as it is Django's (`timezone.now()`), not the server's.
 *
 * @module
 */

import { ImproperlyConfigured } from "../errors.ts";
import { clockText } from "./clock_text.ts";

/**
 * The one `mysql2` call this module makes: `execute` (a server-side prepared statement) on a
 * `mysql2/promise` `Pool`, `PoolConnection` or `Connection`. It is never closed here.
 *
 * @example
 * ```ts ignore
 * import mysql from "mysql2/promise";
 * const client: MysqlClient = mysql.createPool("mysql://app@127.0.0.1/mysite");
 * ```
 */
export interface MysqlClient {
  /**
   * Runs one statement with `?` placeholders.
   *
   * @param sql the statement
   * @param values one string per placeholder
   * @returns `[rows, fields]` for a SELECT, `[ResultSetHeader, undefined]` otherwise
   */
  execute(sql: string, values: string[]): Promise<[unknown, unknown]>;
}

/** Options shared by the MySQL dialect and the table helper. */
export interface MysqlTableOptions {
  /**
   * The session table (`Session._meta.db_table`); a custom session model has its own.
   * @default {"django_session"}
   */
  table?: string;
}

/** An unquoted MySQL identifier: anything else is refused rather than quoted. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;

/** MySQL's error for a duplicate primary key (`ER_DUP_ENTRY`). */
const ER_DUP_ENTRY = 1062;

/**
 * Checks and backquotes the table name.
 *
 * @param table the table name
 * @returns the name in backquotes
 * @throws {ImproperlyConfigured} when the name is not a plain identifier
 */
export function mysqlTable(table = "django_session"): string {
  if (!IDENTIFIER.test(table)) {
    throw new ImproperlyConfigured(`table must be a plain MySQL identifier, got ${table}`);
  }
  return `\`${table}\``;
}

/**
 * A `Date` as the naive UTC text Django stores in `datetime(6)`.
 *
 * @param date the instant
 * @returns e.g. `2026-11-25 20:17:49.143000`
 */
export function mysqlDatetime(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "000");
}

const mysqlNow = clockText(mysqlDatetime);

/** The first column of the first row, whatever row shape (`rowsAsArray` or objects) the pool uses. */
function firstValue(rows: unknown): unknown {
  const [row] = rows as (Record<string, unknown> | unknown[])[];
  if (row === undefined) return undefined;
  return Array.isArray(row) ? row[0] : Object.values(row)[0];
}

/** How many rows an INSERT, UPDATE or DELETE touched. */
function affected(result: unknown): number {
  return (result as { affectedRows: number }).affectedRows;
}

/**
 * The session table's statements on MySQL/MariaDB, in the shape `SqlStore` drives. Keys reach it
 * already validated (`[a-z0-9]`), so Django's case-insensitive `utf8mb4_general_ci` key column cannot
 * match a different-case key.
 */
export class MysqlDialect {
  readonly #client: MysqlClient;
  readonly #table: string;

  /**
   * Binds the dialect to a client and table.
   *
   * @param client the caller's `mysql2/promise` pool or connection
   * @param options the table name
   * @throws {ImproperlyConfigured} when `table` is not a plain identifier
   */
  constructor(client: MysqlClient, { table }: MysqlTableOptions = {}) {
    this.#client = client;
    this.#table = mysqlTable(table);
  }

  /** The `session_data` of the unexpired row `key`, or `null`. */
  async select(key: string): Promise<string | null> {
    const [rows] = await this.#client.execute(
      `SELECT session_data FROM ${this.#table} WHERE session_key = ? AND expire_date > ?`,
      [key, mysqlNow()],
    );
    const data = firstValue(rows);
    return typeof data === "string" ? data : null;
  }

  /** Inserts a new row; `false` when the key is taken. */
  async insert(key: string, data: string, expireDate: Date): Promise<boolean> {
    try {
      await this.#client.execute(
        `INSERT INTO ${this.#table} (session_key, session_data, expire_date) VALUES (?, ?, ?)`,
        [key, data, mysqlDatetime(expireDate)],
      );
      return true;
    } catch (error) {
      if ((error as { errno?: number }).errno === ER_DUP_ENTRY) return false;
      throw error;
    }
  }

  /** Rewrites the row `key`; `false` when there is none. */
  async update(key: string, data: string, expireDate: Date): Promise<boolean> {
    const [result] = await this.#client.execute(
      `UPDATE ${this.#table} SET session_data = ?, expire_date = ? WHERE session_key = ?`,
      [data, mysqlDatetime(expireDate), key],
    );
    // Without the FOUND_ROWS client flag (mysql2 sets it; a caller may not) MySQL counts only rows
    // whose values changed, so an identical rewrite reads 0: ask whether the row is there.
    return affected(result) > 0 || await this.exists(key);
  }

  /** Deletes the row `key`, if any. */
  async delete(key: string): Promise<void> {
    await this.#client.execute(`DELETE FROM ${this.#table} WHERE session_key = ?`, [key]);
  }

  /** Whether a row `key` exists, expired or not. */
  async exists(key: string): Promise<boolean> {
    const [rows] = await this.#client.execute(
      `SELECT 1 FROM ${this.#table} WHERE session_key = ? LIMIT 1`,
      [key],
    );
    return firstValue(rows) !== undefined;
  }

  /** Deletes the rows that expired before now; resolves with how many. */
  async deleteExpired(): Promise<number> {
    const [result] = await this.#client.execute(
      `DELETE FROM ${this.#table} WHERE expire_date < ?`,
      [mysqlNow()],
    );
    return affected(result);
  }
}
