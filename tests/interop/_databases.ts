/**
 * The three databases Django shares with us in the interop tests — a SQLite file, a PostgreSQL
 * schema, a MariaDB database — each migrated by real Django, with the session backend and user
 * source of this module on the same data.
 */
import { SqliteBackend } from "../../src/stores/sqlite.ts";
import { PostgresBackend } from "../../src/stores/postgres.ts";
import { MysqlBackend } from "../../src/stores/mysql.ts";
import type { SessionBackend } from "../../src/session/backend.ts";
import type { DjangoSettingsInput } from "../../src/settings/settings.ts";
import { sqliteDatabase } from "../_django.ts";
import { openSqlite, tempDirectory } from "../_sqlite.ts";
import { postgresSchema } from "../_postgres.ts";
import { djangoMysql, mysqlDatabase } from "../_mysql.ts";
import type { SqliteDatabase } from "../../src/stores/sqlite_driver.ts";
import type { PostgresClient } from "../../src/stores/postgres_client.ts";
import type { MysqlClient } from "../../src/stores/mysql_dialect.ts";

/** One shared database: Django's `DATABASES["default"]`, our backend on it, and its clean-up. */
export interface SharedDatabase {
  name: "sqlite" | "postgres" | "mysql";
  django: Record<string, unknown>;
  backend(settings: DjangoSettingsInput): SessionBackend;
  /** The raw client, for user sources. */
  client: { sqlite?: SqliteDatabase; postgres?: PostgresClient; mysql?: MysqlClient };
  close(): Promise<void>;
}

/** Opens the three databases for one test file (`label` keeps files and runtimes apart). */
export async function sharedDatabases(label: string): Promise<SharedDatabase[]> {
  const temp = tempDirectory(label);
  const file = temp.path("db.sqlite3");
  const sqlite = await openSqlite(file);
  const schema = await postgresSchema(label);
  const pg = schema.client();
  const my = await mysqlDatabase(label);
  return [
    {
      name: "sqlite",
      django: sqliteDatabase(file),
      backend: (settings) => new SqliteBackend(sqlite, settings),
      client: { sqlite },
      close: () => Promise.resolve(sqlite.close()).then(() => temp.remove()),
    },
    {
      name: "postgres",
      django: schema.django.DATABASES.default,
      backend: (settings) => new PostgresBackend(pg, settings),
      client: { postgres: pg },
      close: () => schema.drop(),
    },
    {
      name: "mysql",
      django: djangoMysql(my.name),
      backend: (settings) => new MysqlBackend(my.pool, settings),
      client: { mysql: my.pool },
      close: () => my.drop(),
    },
  ];
}

/** A browser's cookie jar: `Set-Cookie` values in, a `Cookie` header out. */
export class CookieJar {
  #cookies = new Map<string, string>();

  /** Applies `Set-Cookie` values (an expired one removes its cookie). */
  take(setCookies: readonly string[]): void {
    for (const header of setCookies) {
      const [pair] = header.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (/;\s*Max-Age=0(;|$)/i.test(header)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** The value of one cookie, as sent. */
  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  /** The `Cookie` request header. */
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}
