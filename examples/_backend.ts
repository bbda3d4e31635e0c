/**
 * The session backend of the example servers: Django's PostgreSQL table when DATABASE_URL is set,
 * else Django's default SQLite file, opened with this runtime's own driver (`bun:sqlite` on Bun,
 * `node:sqlite` on Deno, `better-sqlite3` on Node 20). The table is created if Django has not
 * migrated yet (examples/django_app.py migrates with --fake-initial, so either may go first).
 */
import { djangoSettings, type SessionBackend, type UserLoader } from "../mod.ts";
import {
  type DjangoUser,
  getUser,
  postgresUsers,
  sqliteUsers,
  type UserSource,
} from "../src/auth/mod.ts";
import { createSessionTable, PostgresBackend } from "../src/stores/postgres.ts";
import {
  createSqliteSessionTable,
  SqliteBackend,
  type SqliteDatabase,
} from "../src/stores/sqlite.ts";
import {
  DATABASE_URL,
  DJANGO_VERSION,
  MESSAGE_STORAGE,
  SECRET_KEY,
  SQLITE_PATH,
} from "./_config.ts";

const runtime = globalThis as { Bun?: unknown; Deno?: unknown };

// Specifiers in variables: each runtime resolves only its own driver (Node 20 has no node:sqlite).
const BUN_SQLITE = "bun:sqlite";
const NODE_SQLITE = "node:sqlite";

async function openSqlite(path: string): Promise<SqliteDatabase> {
  if (runtime.Bun) return new (await import(BUN_SQLITE)).Database(path);
  if (runtime.Deno) return new (await import(NODE_SQLITE)).DatabaseSync(path);
  return new (await import("better-sqlite3")).default(path);
}

/** What every example server needs: sessions, Django's users, and the request's user. */
export interface Example {
  backend: SessionBackend;
  users: UserSource;
  user: UserLoader<DjangoUser>;
}

/** Django's settings, as in examples/django_app.py. */
const settings = djangoSettings({
  SECRET_KEY,
  djangoVersion: DJANGO_VERSION,
  ...MESSAGE_STORAGE ? { MESSAGE_STORAGE } : {},
});

/** Opens the demo's database: its session backend and its `auth_user` table. */
export async function openBackend(): Promise<Example> {
  if (DATABASE_URL) {
    const { default: postgres } = await import("postgres");
    const sql = postgres(DATABASE_URL, { onnotice: () => {} });
    await createSessionTable(sql);
    return example(new PostgresBackend(sql, settings), postgresUsers(sql));
  }
  const db = await openSqlite(SQLITE_PATH);
  // The backend first: it sets the busy timeout, so creating the table waits out the lock of a
  // server or a Django migrate starting beside this one instead of failing at once.
  const backend = new SqliteBackend(db, settings);
  createSqliteSessionTable(db);
  return example(backend, sqliteUsers(db));
}

function example(backend: SessionBackend, users: UserSource): Example {
  return { backend, users, user: (session) => getUser(session, users) };
}
