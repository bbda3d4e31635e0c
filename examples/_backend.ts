/**
 * The session backend of the example servers: Django's PostgreSQL table when DATABASE_URL is set,
 * else Django's default SQLite file, opened with this runtime's own driver (`bun:sqlite` on Bun,
 * `node:sqlite` on Deno, `better-sqlite3` on Node 20). The table is created if Django has not
 * migrated yet (examples/django_app.py migrates with --fake-initial, so either may go first).
 */
import {
  type AuthOptions,
  createSessionTable,
  createSqliteSessionTable,
  type DjangoUser,
  getUser,
  PostgresBackend,
  postgresUsers,
  type SessionBackend,
  SqliteBackend,
  type SqliteDatabase,
  sqliteUsers,
  type UserLoader,
} from "../mod.ts";
import { DATABASE_URL, SECRET_KEY, SQLITE_PATH } from "./_config.ts";

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
  auth: AuthOptions;
  user: UserLoader<DjangoUser>;
}

/** Opens the demo's database: its session backend and its `auth_user` table. */
export async function openBackend(): Promise<Example> {
  if (DATABASE_URL) {
    const { default: postgres } = await import("postgres");
    const sql = postgres(DATABASE_URL, { onnotice: () => {} });
    await createSessionTable(sql);
    return example(new PostgresBackend(sql, { secretKey: SECRET_KEY }), {
      users: postgresUsers(sql),
      secretKey: SECRET_KEY,
    });
  }
  const db = await openSqlite(SQLITE_PATH);
  // The backend first: it sets the busy timeout, so creating the table waits out the lock of a
  // server or a Django migrate starting beside this one instead of failing at once.
  const backend = new SqliteBackend(db, { secretKey: SECRET_KEY });
  createSqliteSessionTable(db);
  return example(backend, { users: sqliteUsers(db), secretKey: SECRET_KEY });
}

function example(backend: SessionBackend, auth: AuthOptions): Example {
  return { backend, auth, user: (session) => getUser(session, auth) };
}
