/**
 * Opens the database a `--database-url` names, with the driver the project already uses for it
 * (postgres.js, mysql2, or the runtime's SQLite: `bun:sqlite`, `node:sqlite` on Deno, or
 * better-sqlite3 on Node), loaded by name when the command runs.
 *
 * @module
 */
import { UsageError } from "./args.ts";
import type { Host } from "./host.ts";
import type { SessionBackend } from "../session/backend.ts";
import { PostgresBackend } from "../stores/postgres.ts";
import { MysqlBackend } from "../stores/mysql.ts";
import { SqliteBackend } from "../stores/sqlite.ts";
import type { PostgresClient } from "../stores/postgres_client.ts";
import type { MysqlClient } from "../stores/mysql_dialect.ts";
import type { SqliteDatabase } from "../stores/sqlite_driver.ts";
import type { Settings } from "../settings/settings.ts";

/** An open database. */
export interface Database {
  kind: "postgres" | "mysql" | "sqlite";
  /** Rows as objects. */
  rows(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** The session backend on it. */
  backend(settings: Settings): SessionBackend;
  close(): Promise<void>;
}

/** Imports a module by a name built at run time (drivers are the project's, not ours). */
function load(name: string): Promise<Record<string, unknown>> {
  return import(name);
}

async function postgres(url: string): Promise<Database> {
  const lib = (await load("postgres")).default as (url: string, o: object) => PostgresClient & {
    unsafe(q: string, p?: unknown[]): Promise<Record<string, unknown>[]>;
    end(): Promise<void>;
  };
  const sql = lib(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  return {
    kind: "postgres",
    rows: async (q, p = []) => [...await sql.unsafe(q, p)],
    backend: (settings) => new PostgresBackend(sql, settings),
    close: () => sql.end(),
  };
}

async function mysql(url: string): Promise<Database> {
  const lib = (await load("mysql2/promise")).default as {
    createConnection(url: string): Promise<
      MysqlClient & { query(q: string, p: unknown[]): Promise<[unknown]>; end(): Promise<void> }
    >;
  };
  const connection = await lib.createConnection(url);
  return {
    kind: "mysql",
    rows: async (q, p = []) =>
      (await connection.query(q.replaceAll(/\$\d+/g, "?"), p))[0] as Record<string, unknown>[],
    backend: (settings) => new MysqlBackend(connection, settings),
    close: () => connection.end(),
  };
}

/** The SQLite drivers' common surface, with the two calls the command adds to the store's. */
interface CommandSqlite extends SqliteDatabase {
  prepare(sql: string): ReturnType<SqliteDatabase["prepare"]> & { all(...p: string[]): unknown[] };
  close(): void;
}

async function sqliteDriver(host: Host, path: string): Promise<CommandSqlite> {
  if (host.runtime === "bun") {
    const { Database } = await load("bun:sqlite") as { Database: new (p: string) => never };
    return new Database(path);
  }
  if (host.runtime === "deno") {
    const { DatabaseSync } = await load(["node", "sqlite"].join(":")) as {
      DatabaseSync: new (p: string) => never;
    };
    return new DatabaseSync(path);
  }
  const Database = (await load("better-sqlite3")).default as new (p: string) => never;
  return new Database(path);
}

async function sqlite(host: Host, path: string): Promise<Database> {
  const db = await sqliteDriver(host, path);
  return {
    kind: "sqlite",
    rows: (q, p = []) =>
      Promise.resolve(
        db.prepare(q.replaceAll(/\$\d+/g, "?")).all(...p as string[]) as Record<string, unknown>[],
      ),
    backend: (settings) => new SqliteBackend(db, settings, { wal: false }),
    close: () => Promise.resolve(db.close()),
  };
}

/**
 * Opens `url`: `postgres://…`/`postgresql://…`, `mysql://…`, `sqlite:///path` or a file path.
 *
 * @param host the runtime
 * @param url the database URL
 * @returns the open database
 * @throws {UsageError} for a URL of another kind
 */
export function openDatabase(host: Host, url: string): Promise<Database> {
  if (/^postgres(ql)?:\/\//.test(url)) return postgres(url);
  if (/^mysql:\/\//.test(url)) return mysql(url);
  if (url.startsWith("sqlite://")) return sqlite(host, decodeURIComponent(url.slice(9)));
  if (!url.includes("://")) return sqlite(host, url);
  throw new UsageError(
    `--database-url must be postgres://…, mysql://…, sqlite:///path or a SQLite file, not ${
      url.split("://")[0]
    }://`,
  );
}
