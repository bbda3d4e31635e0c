/**
 * The MySQL/MariaDB backend on mysql2: the store contract (on a pool, on a single connection, and on
 * a pool that returns rows as arrays), sessions shared with Django 3.2/4.2/5.2's MySQL backend on the
 * same database, and a server that is down.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import mysql from "mysql2/promise";
import { SessionInterrupted, StoreUnavailable } from "../../../src/errors.ts";
import { MysqlBackend } from "../../../src/stores/mysql.ts";
import { createMysqlSessionTable } from "../../../src/stores/mysql_schema.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { storeContract } from "../../_contract.ts";
import { djangoMysql, mysqlDatabase } from "../../_mysql.ts";

/** Bun stops a test after 5 s; starting Django on a busy machine can take longer. */
const slow = { timeout: 60_000 };

const SECRET_KEY = "django-insecure-test-key"; // the bridge's default
const db = await mysqlDatabase("store");
await createMysqlSessionTable(db.pool);
const connection = await mysql.createConnection({
  host: "127.0.0.1",
  user: "root",
  database: db.name,
});
const arrays = mysql.createPool({
  host: "127.0.0.1",
  user: "root",
  database: db.name,
  rowsAsArray: true,
  connectionLimit: 2,
});
after(async () => {
  await closeDjangos();
  await connection.end();
  await arrays.end();
  await db.drop();
});

storeContract("mysql2 pool", () => ({ backend: new MysqlBackend(db.pool, { SECRET_KEY }) }));
storeContract(
  "mysql2 connection",
  () => ({ backend: new MysqlBackend(connection, { SECRET_KEY }) }),
);
storeContract("mysql2 pool with rowsAsArray", () => ({
  backend: new MysqlBackend(arrays, { SECRET_KEY }),
}));

const backend = new MysqlBackend(db.pool, { SECRET_KEY });

/** Django's db SessionStore: `[data, key or None, expire_date, expiry age]` of `args`. */
const DJANGO_LOAD = `
from django.contrib.sessions.backends.db import SessionStore
s = SessionStore(args)
data = s.load()
row = s.model.objects.filter(pk=s.session_key).first() if s.session_key else None
result = [data, s.session_key, row and row.expire_date.isoformat(), s.get_expiry_age()]
`;

for (const version of DJANGO_VERSIONS) {
  describe(`Django ${version} and MysqlBackend on one MariaDB database`, () => {
    const dj = () => django(version, { DATABASES: { default: djangoMysql(db.name) } });

    test("Django's session loads here; our update is what Django loads next", slow, async () => {
      const key = await dj().run<string>(
        `from django.contrib.sessions.backends.db import SessionStore
s = SessionStore(); s["user"] = "alice"; s["é"] = [1.5, None]; s.save()
result = s.session_key`,
      );
      const session = await backend.getSession(key).load();
      assert.deepEqual(Object.fromEntries(session.entries()), { user: "alice", é: [1.5, null] });
      session.set("cart", [7]);
      session.setExpiry(300);
      const before = Date.now();
      await session.save();
      const saved = Date.now();
      const [data, loadedKey, expireDate, age] = await dj().run<[object, string, string, number]>(
        DJANGO_LOAD,
        key,
      );
      assert.deepEqual(data, { user: "alice", é: [1.5, null], cart: [7], _session_expiry: 300 });
      assert.equal(loadedKey, key);
      assert.equal(age, 300);
      const expires = new Date(expireDate).getTime() - 300_000;
      assert.ok(before <= expires && expires <= saved, "expire_date is the save time + 300 s");
    });

    test("a session created here loads in Django; a flush here ends it there", slow, async () => {
      const session = await backend.getSession().load();
      session.set("_auth_user_id", "1");
      await session.save();
      const key = session.key!;
      assert.deepEqual((await dj().run<[object]>(DJANGO_LOAD, key))[0], { _auth_user_id: "1" });
      await session.flush();
      const [data, loadedKey] = await dj().run<[object, string | null]>(DJANGO_LOAD, key);
      assert.deepEqual([data, loadedKey], [{}, null]);
    });

    test("a session Django deleted meanwhile gives SessionInterrupted here", slow, async () => {
      const session = await backend.getSession().load();
      session.set("a", 1);
      await session.save();
      await dj().run(
        `from django.contrib.sessions.backends.db import SessionStore
SessionStore(args).delete()
result = True`,
        session.key,
      );
      session.set("a", 2);
      await assert.rejects(session.save(), SessionInterrupted);
    });

    test("Django's clearsessions and ours agree on what expired", slow, async () => {
      const session = await backend.getSession().load();
      session.set("a", 1);
      session.setExpiry(new Date(Date.now() - 1000));
      await session.save();
      assert.equal(await backend.exists(session.key!), true);
      await dj().run(`from django.core.management import call_command
call_command("clearsessions")
result = True`);
      assert.equal(await backend.exists(session.key!), false);
    });
  });
}

test("a server that is down gives StoreUnavailable, and the process carries on", slow, async () => {
  const down = mysql.createPool({ host: "127.0.0.1", port: 1, user: "root", connectTimeout: 2000 });
  const sessions = new MysqlBackend(down, { SECRET_KEY });
  const session = sessions.getSession("abcdefgh12345678abcdefgh12345678");
  await assert.rejects(session.load(), (error) => {
    assert.ok(error instanceof StoreUnavailable);
    assert.equal(error.operation, "load");
    return true;
  });
  await assert.rejects(sessions.clearExpired(), StoreUnavailable);
  await down.end();
});
