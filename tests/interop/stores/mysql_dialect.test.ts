/**
 * The MySQL dialect and table helper against this machine's MariaDB, with Django's MySQL backend
 * (`python3-mysqldb`) reading and writing the same rows.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createMysqlSessionTable } from "../../../src/stores/mysql_schema.ts";
import { mysqlDatetime, MysqlDialect } from "../../../src/stores/mysql_dialect.ts";
import mysql from "mysql2/promise";
import { ImproperlyConfigured, StoreUnavailable } from "../../../src/errors.ts";
import { closeDjangos, django, DJANGO_DB_LOAD, DJANGO_VERSIONS } from "../../_django.ts";
import { djangoMysql, mysqlDatabase } from "../../_mysql.ts";

/** Bun stops a test after 5 s; starting Django on a busy machine can take longer. */
const slow = { timeout: 60_000 };

const SHOW_TABLE = `
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW CREATE TABLE django_session")
    result = cursor.fetchone()[1]
`;

const MIGRATE = `
from django.core.management import call_command
call_command("migrate", "sessions", verbosity=0)
result = True
`;

let db: Awaited<ReturnType<typeof mysqlDatabase>>;
let dialect: MysqlDialect;

before(async () => {
  db = await mysqlDatabase("dialect");
  await createMysqlSessionTable(db.pool);
  dialect = new MysqlDialect(db.pool);
});
after(async () => {
  await closeDjangos();
  await db.drop();
});

test("createMysqlSessionTable makes the table Django's migration makes", slow, async () => {
  const other = await mysqlDatabase("migrated");
  try {
    const byDjango = django("5.2", { DATABASES: { default: djangoMysql(other.name) } });
    await byDjango.run(MIGRATE);
    const ours = await django("5.2", { DATABASES: { default: djangoMysql(db.name) } }).run(
      SHOW_TABLE,
    );
    assert.equal(ours, await byDjango.run(SHOW_TABLE));
    await createMysqlSessionTable(db.pool); // idempotent
  } finally {
    await other.drop();
  }
});

test("a server that refuses the DDL gives StoreUnavailable", slow, async () => {
  const down = mysql.createPool({ host: "127.0.0.1", port: 1, user: "root", connectTimeout: 2000 });
  await assert.rejects(createMysqlSessionTable(down), (error) => {
    assert.ok(error instanceof StoreUnavailable);
    assert.equal(error.operation, "createTable");
    return true;
  });
  await down.end();
});

test("a table name that is not a plain identifier is refused", slow, () => {
  assert.throws(
    () => new MysqlDialect(db.pool, { table: "x`; DROP TABLE y" }),
    ImproperlyConfigured,
  );
});

test("datetimes are naive UTC with microseconds", slow, () => {
  assert.equal(mysqlDatetime(new Date("2026-11-25T20:17:49.143Z")), "2026-11-25 20:17:49.143000");
});

for (const version of DJANGO_VERSIONS) {
  describe(`Django ${version} on the same MariaDB database`, () => {
    const dj = () => django(version, { DATABASES: { default: djangoMysql(db.name) } });

    test("a row Django saved is selected with its expiry honoured", slow, async () => {
      const [key, data] = await dj().run<[string, string]>(`
from django.contrib.sessions.backends.db import SessionStore
s = SessionStore(); s["n"] = 1; s.save()
result = [s.session_key, SessionStore().model.objects.get(pk=s.session_key).session_data]
`);
      assert.equal(await dialect.select(key), data);
      assert.equal(await dialect.exists(key), true);
      await dj().run(
        `from django.contrib.sessions.models import Session
from django.utils import timezone
from datetime import timedelta
Session.objects.filter(pk=args).update(expire_date=timezone.now() - timedelta(seconds=1))
result = True`,
        key,
      );
      assert.equal(await dialect.select(key), null);
      assert.equal(await dialect.exists(key), true);
      assert.equal(await dialect.deleteExpired(), 1);
      assert.equal(await dialect.exists(key), false);
    });

    test("rows we insert and update are what Django loads, expiry included", slow, async () => {
      const encoded = await dj().run<string>(
        `from django.contrib.sessions.backends.db import SessionStore
result = SessionStore().encode({"from": "ts", "n": 2})`,
      );
      const key = `k${version.replace(".", "")}${crypto.randomUUID().replaceAll("-", "")}`.slice(
        0,
        32,
      );
      const expire = new Date(Date.now() + 3600_000);
      assert.equal(await dialect.insert(key, encoded, expire), true);
      assert.equal(await dialect.insert(key, encoded, expire), false);
      const [data, expiry, loadedKey] = await dj().run<[object, string, string]>(
        DJANGO_DB_LOAD,
        key,
      );
      assert.deepEqual(data, { from: "ts", n: 2 });
      assert.equal(new Date(expiry).getTime(), expire.getTime());
      assert.equal(loadedKey, key);

      assert.equal(await dialect.update(key, encoded, expire), true, "an identical rewrite");
      assert.equal(await dialect.update(key, encoded, new Date(Date.now() - 1000)), true);
      const [gone, , newKey] = await dj().run<[object, string, string | null]>(DJANGO_DB_LOAD, key);
      assert.deepEqual(gone, {}, "Django does not load the row we expired");
      assert.equal(newKey, null);
      await dialect.delete(key);
      assert.equal(await dialect.update(key, encoded, expire), false);
    });
  });
}
