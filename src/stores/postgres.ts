/**
 * Django's database session backend on PostgreSQL, through postgres.js, Bun's built-in `SQL` or
 * PGlite. Rows are the ones `django.contrib.sessions.backends.db` reads and writes: Django and this
 * backend can serve the same users from the same table.
 *
 * @module
 */

import { resolveSettings, type Settings } from "../settings/settings.ts";
import { SessionBackend } from "../session/backend.ts";
import type { SessionData } from "../session/store.ts";
import { type PostgresClient, type RowsQuery, rowsQuery } from "./postgres_client.ts";
import { expireDateIndexName, type SqlDialect, SqlStore, type SqlStoreOptions } from "./sql.ts";

export type { PostgresClient, QuerySqlClient, UnsafeSqlClient } from "./postgres_client.ts";

/** Options of {@linkcode PostgresBackend}: secret key and codec, session settings, and the table. */
export interface PostgresBackendOptions extends SqlStoreOptions {
  /**
   * The session table (Django's `Session._meta.db_table`); found through the client's `search_path`.
   *
   * @default {"django_session"}
   */
  table?: string;
}

const DJANGO_TABLE = "django_session";

/** Quotes an identifier as PostgreSQL (and Django's `quote_name`) does. */
function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** The first row's first cell, or `null` for no row. */
const firstCell = (rows: (string | null)[][]) => rows[0]?.[0] ?? null;

/**
 * The dialect on one table. Expiry is compared with the database's `now()`, as Django compares with
 * its own clock; new rows use `ON CONFLICT DO NOTHING`, so a key collision is an empty result rather
 * than a driver-specific unique-violation error (postgres.js `code`, Bun `errno`, PGlite `code`).
 *
 * @param query the client's query function
 * @param table the table name
 * @returns the dialect
 */
function postgresDialect(query: RowsQuery, table: string): SqlDialect {
  const t = quoted(table);
  const select = `SELECT session_data FROM ${t} WHERE session_key = $1 AND expire_date > now()`;
  const insert = `INSERT INTO ${t} (session_key, session_data, expire_date) ` +
    `VALUES ($1, $2, $3::timestamptz) ON CONFLICT (session_key) DO NOTHING RETURNING session_key`;
  const update = `UPDATE ${t} SET session_data = $2, expire_date = $3::timestamptz ` +
    `WHERE session_key = $1 RETURNING session_key`;
  const remove = `DELETE FROM ${t} WHERE session_key = $1`;
  const exists = `SELECT session_key FROM ${t} WHERE session_key = $1`;
  const expired = `WITH gone AS (DELETE FROM ${t} WHERE expire_date < now() RETURNING 1) ` +
    `SELECT count(*)::text FROM gone`;
  return {
    select: (key) => query(select, [key]).then(firstCell),
    insert: async (key, data, date) =>
      (await query(insert, [key, data, date.toISOString()])).length > 0,
    update: async (key, data, date) =>
      (await query(update, [key, data, date.toISOString()])).length > 0,
    delete: async (key) => void await query(remove, [key]),
    exists: async (key) => (await query(exists, [key])).length > 0,
    deleteExpired: async () => Number((await query(expired, []))[0][0]),
  };
}

/**
 * Sessions in PostgreSQL's `django_session`, shared with Django's `db` (or `cached_db`: see the
 * README on its cache) backend. Takes the caller's client and never closes it.
 *
 * @typeParam T the shape of the session data
 *
 * @example
 * ```ts
 * import { PGlite } from "@electric-sql/pglite"; // or postgres.js's postgres(url), or Bun.sql
 * import { createSessionTable, PostgresBackend } from "@django-interop/session/postgres";
 * const db = new PGlite();
 * await createSessionTable(db);
 * const sessions = new PostgresBackend(db, { SECRET_KEY: "django-insecure-example" });
 * const session = await sessions.getSession(null).load();
 * session.set("cart", [1, 2]);
 * console.log(await session.save(), session.key!.length); // true 32
 * console.log((await sessions.getSession(session.key).load()).get("cart")); // [1, 2]
 * ```
 */
export class PostgresBackend<T extends SessionData = SessionData> extends SessionBackend<T> {
  /**
   * Creates the backend.
   *
   * @param client postgres.js `Sql`, Bun's `SQL`, or a `PGlite` instance
   * @param settings Django's settings (`djangoSettings(…)`, or its input)
   * @param options `table`, codec and key options
   * @throws {ImproperlyConfigured} for a setting Django would refuse, or a postgres.js client with a
   *   row transform (`transform.row`), which would reach the rows the backend reads
   */
  constructor(client: PostgresClient, settings: Settings, options: PostgresBackendOptions = {}) {
    const { table = DJANGO_TABLE, ...store } = options;
    const checked = resolveSettings(settings);
    super(new SqlStore(postgresDialect(rowsQuery(client), table), checked, store), checked);
  }
}

/**
 * Creates the session table and its indexes exactly as Django's `manage.py migrate` does on
 * PostgreSQL (`sessions.0001_initial`), unless they exist; for setups without Django migrations.
 * Index names follow Django's for `django_session`; another table gets `<table>_…` names.
 *
 * @param client postgres.js `Sql`, Bun's `SQL`, or a `PGlite` instance
 * @param table the table name
 * @default table "django_session"
 * @throws the client's error when a statement fails
 * @throws {ImproperlyConfigured} for a postgres.js client with a row transform (`transform.row`)
 *
 * @example
 * ```ts
 * import { PGlite } from "@electric-sql/pglite";
 * import { createSessionTable } from "@django-interop/session/postgres";
 * const db = new PGlite(); // or postgres.js, or Bun.sql
 * await createSessionTable(db);
 * await createSessionTable(db); // a second call changes nothing
 * ```
 */
export async function createSessionTable(
  client: PostgresClient,
  table: string = DJANGO_TABLE,
): Promise<void> {
  const query = rowsQuery(client);
  const t = quoted(table);
  const likeIndex = table === DJANGO_TABLE
    ? "django_session_session_key_c0390e0f_like"
    : `${table}_session_key_like`;
  const expireIndex = expireDateIndexName(table);
  await query(
    `CREATE TABLE IF NOT EXISTS ${t} ("session_key" varchar(40) NOT NULL PRIMARY KEY, ` +
      `"session_data" text NOT NULL, "expire_date" timestamp with time zone NOT NULL)`,
    [],
  );
  await query(
    `CREATE INDEX IF NOT EXISTS ${quoted(likeIndex)} ON ${t} ("session_key" varchar_pattern_ops)`,
    [],
  );
  await query(`CREATE INDEX IF NOT EXISTS ${quoted(expireIndex)} ON ${t} ("expire_date")`, []);
}
