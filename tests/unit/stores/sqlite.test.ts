/**
 * The SQLite backend on this runtime's own driver (`bun:sqlite` under Bun, `node:sqlite` under Deno,
 * `better-sqlite3` under Node): the store contract, and how it behaves when the file is locked by
 * another process's writer or the connection is closed.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { StoreUnavailable } from "../../../src/errors.ts";
import { SqliteBackend } from "../../../src/stores/sqlite.ts";
import { createSqliteSessionTable } from "../../../src/stores/sqlite_schema.ts";
import { storeContract } from "../../_contract.ts";
import {
  openSqlite,
  SECRET_KEY,
  SQLITE_DRIVER,
  tempDirectory,
  type TestDatabase,
} from "../../_sqlite.ts";

const temp = tempDirectory("store");
after(() => temp.remove());

/** A fresh file with Django's table, opened twice: as our service and as another process would. */
async function sharedFile(name: string): Promise<{ ours: TestDatabase; other: TestDatabase }> {
  const ours = await openSqlite(temp.path(name));
  createSqliteSessionTable(ours);
  return { ours, other: await openSqlite(temp.path(name)) };
}

storeContract(`SQLite on ${SQLITE_DRIVER}`, async () => {
  const db = await openSqlite(temp.path("contract.sqlite3"));
  createSqliteSessionTable(db);
  return {
    backend: new SqliteBackend(db, { SECRET_KEY }),
    close: () => Promise.resolve(db.close()),
  };
});

describe(`SQLite on ${SQLITE_DRIVER}: a file another writer has locked`, () => {
  let ours: TestDatabase;
  let other: TestDatabase;
  let backend: SqliteBackend;
  let key: string;

  before(async () => {
    ({ ours, other } = await sharedFile("locked.sqlite3"));
    // A short wait keeps the test quick; what it shows does not depend on its length.
    backend = new SqliteBackend(ours, { SECRET_KEY }, { busyTimeout: 50 });
    const session = await backend.getSession().load();
    session.set("n", 1);
    await session.save();
    key = session.key!;
  });
  after(() => {
    ours.close();
    other.close();
  });

  test("writes reject with StoreUnavailable, reads go on (WAL), and writes resume after", async () => {
    other.prepare("BEGIN IMMEDIATE").run();
    try {
      const session = await backend.getSession(key).load();
      assert.equal(session.get("n"), 1, "a reader does not wait for the writer");
      session.set("n", 2);
      const error = await session.save().then(() => null, (error: unknown) => error);
      assert.ok(error instanceof StoreUnavailable, String(error));
      assert.equal(error.operation, "update");
      assert.match(error.message, /locked|busy/i);
      const fresh = await backend.getSession().load();
      fresh.set("x", 1);
      await assert.rejects(fresh.save(), StoreUnavailable);
    } finally {
      other.prepare("ROLLBACK").run();
    }
    const session = await backend.getSession(key).load();
    session.set("n", 3);
    assert.equal(await session.save(), true);
    assert.equal((await backend.getSession(key).load()).get("n"), 3);
  });
});

test(`SQLite on ${SQLITE_DRIVER}: a closed connection gives StoreUnavailable, not a crash`, async () => {
  const { ours, other } = await sharedFile("closed.sqlite3");
  other.close();
  const backend = new SqliteBackend(ours, { SECRET_KEY });
  const session = await backend.getSession().load();
  session.set("a", 1);
  await session.save();
  ours.close();
  await assert.rejects(backend.getSession(session.key).load(), StoreUnavailable);
  await assert.rejects(backend.exists(session.key!), StoreUnavailable);
  await assert.rejects(backend.clearExpired(), StoreUnavailable);
  session.set("a", 2);
  await assert.rejects(session.save(), StoreUnavailable);
});

test(`SQLite on ${SQLITE_DRIVER}: a row whose data does not verify loads empty under its key, as in Django`, async () => {
  const { ours, other } = await sharedFile("forged.sqlite3");
  other.prepare(
    "INSERT INTO django_session VALUES ('forgedforgedforgedforgedforged12', 'eyJhIjoxfQ:1:forged', " +
      "'9999-12-31 23:59:59')",
  ).run();
  other.close();
  const backend = new SqliteBackend(ours, { SECRET_KEY });
  const session = await backend.getSession("forgedforgedforgedforgedforged12").load();
  assert.equal(session.key, "forgedforgedforgedforgedforged12");
  assert.deepEqual(session.keys(), []);
  ours.close();
});
