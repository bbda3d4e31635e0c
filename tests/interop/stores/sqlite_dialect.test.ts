/**
 * The SQLite dialect, table helper and connection set-up on this runtime's driver, with real Django
 * (3.2, 4.2, 5.2, Python's `sqlite3`) reading and writing the same file.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { StoreUnavailable } from "../../../src/errors.ts";
import { SqliteDialect } from "../../../src/stores/sqlite_dialect.ts";
import { sqliteDateTime } from "../../../src/stores/sqlite_driver.ts";
import { configureSqlite, createSqliteSessionTable } from "../../../src/stores/sqlite_schema.ts";
import {
  closeDjangos,
  django,
  DJANGO_DB_LOAD,
  DJANGO_VERSIONS,
  sqliteDatabase,
} from "../../_django.ts";
import { openSqlite, SQLITE_DRIVER, tempDirectory, type TestDatabase } from "../../_sqlite.ts";

const temp = tempDirectory("dialect");
const opened: TestDatabase[] = [];

async function open(name: string): Promise<TestDatabase> {
  const db = await openSqlite(temp.path(name));
  opened.push(db);
  return db;
}

after(async () => {
  await closeDjangos();
  for (const db of opened) db.close();
  temp.remove();
});

const MIGRATE = `
from django.core.management import call_command
call_command("migrate", "sessions", verbosity=0)
result = True
`;

const SCHEMA = `
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'django_session' ORDER BY name")
    result = cursor.fetchall()
`;

const ENCODE = `
from django.contrib.sessions.backends.db import SessionStore
result = SessionStore().encode(args)
`;

/** A valid key of our own: 32 chars of [a-z0-9]. */
function key(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

for (const version of DJANGO_VERSIONS) {
  describe(`Django ${version} and ${SQLITE_DRIVER} on one SQLite file`, () => {
    const file = temp.path(`django-${version}.sqlite3`);
    const dj = () => django(version, { DATABASES: { default: sqliteDatabase(file) } });
    let db: TestDatabase;
    let dialect: SqliteDialect;

    before(async () => {
      await dj().run(MIGRATE);
      db = await open(`django-${version}.sqlite3`);
      configureSqlite(db);
      dialect = new SqliteDialect(db);
    });

    test("createSqliteSessionTable leaves sqlite_master as Django's migration does", async () => {
      const ours = temp.path(`ours-${version}.sqlite3`);
      createSqliteSessionTable(await open(`ours-${version}.sqlite3`));
      createSqliteSessionTable(await open(`ours-${version}.sqlite3`)); // idempotent
      const mine = django(version, { DATABASES: { default: sqliteDatabase(ours) } });
      assert.deepEqual(await mine.run(SCHEMA), await dj().run(SCHEMA));
    });

    test("expire_date is the text Django writes, with and without microseconds", async () => {
      for (const iso of ["2026-11-25T20:17:49.143Z", "2031-01-02T03:04:05.000Z"]) {
        const written = await dj().run<string>(
          `
from datetime import datetime
from django.contrib.sessions.models import Session
from django.db import connection
Session(session_key="datetimeprobe", session_data="x",
        expire_date=datetime.fromisoformat(args.replace("Z", "+00:00"))).save()
with connection.cursor() as cursor:
    cursor.execute("SELECT expire_date FROM django_session WHERE session_key = 'datetimeprobe'")
    result = cursor.fetchone()[0]
Session.objects.filter(pk="datetimeprobe").delete()
`,
          iso,
        );
        assert.equal(sqliteDateTime(new Date(iso)), written);
      }
    });

    test("a row Django saved is selected, until it expires; then it is cleared", async () => {
      const [saved, data] = await dj().run<[string, string]>(`
from django.contrib.sessions.backends.db import SessionStore
s = SessionStore(); s["n"] = 1; s.save()
result = [s.session_key, s.model.objects.get(pk=s.session_key).session_data]
`);
      assert.equal(await dialect.select(saved), data);
      assert.equal(await dialect.exists(saved), true);
      await dj().run(
        `
from datetime import timedelta
from django.contrib.sessions.models import Session
from django.utils import timezone
Session.objects.filter(pk=args).update(expire_date=timezone.now() - timedelta(milliseconds=5))
result = True
`,
        saved,
      );
      assert.equal(await dialect.select(saved), null);
      assert.equal(await dialect.exists(saved), true, "exists() ignores expiry, as Django's does");
      assert.equal(await dialect.deleteExpired(), 1);
      assert.equal(await dialect.exists(saved), false);
    });

    test("rows we insert and update are what Django loads, expiry included", async () => {
      const encoded = await dj().run<string>(ENCODE, { from: "ts", n: 2 });
      const mine = key();
      const expire = new Date(Date.now() + 3600_000);
      assert.equal(await dialect.insert(mine, encoded, expire), true);
      assert.equal(await dialect.insert(mine, encoded, expire), false, "the key is taken");
      const [data, expiry, loadedKey] = await dj().run<[object, string, string]>(
        DJANGO_DB_LOAD,
        mine,
      );
      assert.deepEqual(data, { from: "ts", n: 2 });
      assert.equal(new Date(expiry).getTime(), expire.getTime());
      assert.equal(loadedKey, mine);

      assert.equal(await dialect.update(mine, encoded, expire), true, "an identical rewrite");
      assert.equal(await dialect.update(mine, encoded, new Date(Date.now() - 5)), true);
      const [gone, , newKey] = await dj().run<[object, string, string | null]>(
        DJANGO_DB_LOAD,
        mine,
      );
      assert.deepEqual(gone, {}, "Django does not load the row we expired");
      assert.equal(newKey, null);
      await dialect.delete(mine);
      assert.equal(await dialect.exists(mine), false);
      assert.equal(await dialect.update(mine, encoded, expire), false, "no row to update");
    });

    test("the file is in WAL mode for Django's connection too", async () => {
      const mode = await dj().run<string>(`
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    result = cursor.fetchone()[0]
`);
      assert.equal(mode, "wal");
    });
  });
}

test("set up first, createSqliteSessionTable waits out another process's exclusive lock", async () => {
  const file = temp.path("locked.sqlite3");
  const db = await open("locked.sqlite3");
  // Another process (Python's sqlite3, as Django's connections are) locks the fresh file for 1 s,
  // as a Django migrate or a server switching the file to WAL does when several start at once.
  const locker = spawn("/usr/bin/python3", [
    "-c",
    `import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(1)
c.execute("ROLLBACK")`,
    file,
  ]);
  const exited = new Promise((resolve) => locker.once("exit", resolve));
  await new Promise((resolve) => locker.stdout!.once("data", resolve));
  db.prepare("PRAGMA busy_timeout = 0").run(); // bun:sqlite's and node:sqlite's default
  assert.throws(() => createSqliteSessionTable(db), StoreUnavailable, "the lock is held");
  configureSqlite(db);
  createSqliteSessionTable(db);
  assert.equal(await exited, 0);
  const tables = db.prepare("SELECT group_concat(name) AS names FROM sqlite_master").get();
  assert.deepEqual({ ...tables as object }, {
    names: "django_session,sqlite_autoindex_django_session_1,django_session_expire_date_a5c62663",
  });
});
