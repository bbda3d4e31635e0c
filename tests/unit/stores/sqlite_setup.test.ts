/**
 * The SQLite connection set-up and dialect on this runtime's driver, on their own: pragmas, table
 * names, a closed connection. Django on the same file is tests/interop/stores/sqlite_dialect.test.ts.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { ImproperlyConfigured, StoreUnavailable } from "../../../src/errors.ts";
import { SqliteDialect } from "../../../src/stores/sqlite_dialect.ts";
import { configureSqlite, createSqliteSessionTable } from "../../../src/stores/sqlite_schema.ts";
import { openSqlite, tempDirectory, type TestDatabase } from "../../_sqlite.ts";

const temp = tempDirectory("setup");
const opened: TestDatabase[] = [];

async function open(name: string): Promise<TestDatabase> {
  const db = await openSqlite(temp.path(name));
  opened.push(db);
  return db;
}

after(() => {
  for (const db of opened) db.close();
  temp.remove();
});

/** A valid key of our own: 32 chars of [a-z0-9]. */
function key(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

test("configureSqlite sets busy_timeout, WAL and (when asked) synchronous on the connection", async () => {
  const db = await open("pragmas.sqlite3");
  configureSqlite(db, { busyTimeout: 1234 });
  assert.deepEqual({ ...db.prepare("PRAGMA busy_timeout").get() as object }, { timeout: 1234 });
  assert.deepEqual({ ...db.prepare("PRAGMA journal_mode").get() as object }, {
    journal_mode: "wal",
  });
  const synchronous = () => ({ ...db.prepare("PRAGMA synchronous").get() as object });
  const before = synchronous();
  configureSqlite(db);
  assert.deepEqual(synchronous(), before, "synchronous is left alone unless asked");
  configureSqlite(db, { synchronous: "NORMAL" });
  assert.deepEqual(synchronous(), { synchronous: 1 });
  configureSqlite(db, { synchronous: "FULL" });
  assert.deepEqual(synchronous(), { synchronous: 2 });
  assert.throws(
    () => configureSqlite(db, { synchronous: "OFF; DROP TABLE x" as "FULL" }),
    ImproperlyConfigured,
  );
  assert.throws(() => configureSqlite(db, { busyTimeout: -1 }), ImproperlyConfigured);
  assert.throws(() => configureSqlite(db, { busyTimeout: Number.NaN }), ImproperlyConfigured);
});

test("a table name that is not a plain identifier is refused", async () => {
  const db = await open("names.sqlite3");
  assert.throws(() => new SqliteDialect(db, { table: 'x"; DROP TABLE y' }), ImproperlyConfigured);
  assert.throws(() => createSqliteSessionTable(db, { table: "a b" }), ImproperlyConfigured);
});

test("a closed connection rejects (never throws synchronously) and set-up reports it", async () => {
  const db = await openSqlite(temp.path("closed.sqlite3"));
  createSqliteSessionTable(db);
  const dialect = new SqliteDialect(db);
  db.close();
  const pending = dialect.select(key());
  await assert.rejects(pending);
  await assert.rejects(dialect.insert(key(), "x", new Date()));
  assert.throws(() => configureSqlite(db), StoreUnavailable);
});
