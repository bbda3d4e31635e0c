/**
 * Interop on one SQLite file: real Django 3.2, 4.2 and 5.2 (its own `migrate`, its own `db` session
 * store, Python's `sqlite3`) and `SqliteBackend` on this runtime's driver read and write the same
 * `django_session` rows, each seeing exactly what the other wrote.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { SessionInterrupted, StoreUnavailable } from "../../../src/errors.ts";
import { newSessionKey } from "../../../src/session/keys.ts";
import { SqliteBackend, type SqliteBackendOptions } from "../../../src/stores/sqlite.ts";
import { HOSTILE_KEYS } from "../../_contract.ts";
import { closeDjangos, django, DJANGO_VERSIONS, sqliteDatabase } from "../../_django.ts";
import {
  openSqlite,
  SECRET_KEY,
  SQLITE_DRIVER,
  tempDirectory,
  type TestDatabase,
} from "../../_sqlite.ts";

const temp = tempDirectory("django");
const opened: TestDatabase[] = [];
after(async () => {
  await closeDjangos();
  for (const db of opened) db.close();
  temp.remove();
});

/** What Django says about a session key: its `SessionStore(key)` after loading. */
interface DjangoView {
  key: string | null;
  data: Record<string, unknown>;
  exists: boolean;
}

const PY = {
  migrate: `
from django.core.management import call_command
call_command("migrate", "sessions", verbosity=0)
result = True`,
  create: `
from django.contrib.sessions.backends.db import SessionStore
s = SessionStore(); s.update(args); s.save()
result = s.session_key`,
  load: `
from django.contrib.sessions.backends.db import SessionStore
s = SessionStore(args)
data = dict(s)
result = {"key": s.session_key, "data": data, "exists": SessionStore().exists(args)}`,
  update: `
from django.contrib.sessions.backends.db import SessionStore
s = SessionStore(args["key"]); s.update(args["data"]); s.save()
result = s.session_key`,
  delete: `
from django.contrib.sessions.backends.db import SessionStore
SessionStore().delete(args)
result = True`,
  expire: `
from datetime import timedelta
from django.contrib.sessions.models import Session
from django.utils import timezone
result = Session.objects.filter(pk=args).update(expire_date=timezone.now() - timedelta(seconds=1))`,
  expiry: `
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
s = SessionStore(args)
result = {"age": s.get_expiry_age(), "atBrowserClose": s.get_expire_at_browser_close(),
          "date": s.get_expiry_date().isoformat(),
          "row": Session.objects.get(pk=args).expire_date.isoformat()}`,
  clearsessions: `
from django.core.management import call_command
call_command("clearsessions")
result = True`,
  lock: `
from django.db import connection
connection.cursor().execute(args)
result = True`,
  createMany: `
from django.contrib.sessions.backends.db import SessionStore
keys = []
for i in range(args):
    s = SessionStore(); s["django"] = i; s.save(); keys.append(s.session_key)
result = keys`,
  countLive: `
from django.contrib.sessions.models import Session
from django.utils import timezone
result = Session.objects.filter(pk__in=args, expire_date__gt=timezone.now()).count()`,
  decodeAll: `
from django.contrib.sessions.backends.db import SessionStore
result = [SessionStore(k).get("i") for k in args]`,
};

for (const version of DJANGO_VERSIONS) {
  describe(`Django ${version} and SqliteBackend on ${SQLITE_DRIVER}, one db.sqlite3`, () => {
    const file = temp.path(`db-${version}.sqlite3`);
    const dj = () => django(version, { DATABASES: { default: sqliteDatabase(file) } });
    const djangoSees = (key: string) => dj().run<DjangoView>(PY.load, key);
    // Django 3.2 cannot read 4.1's ISO `_session_expiry`: djangoVersion gives it whole seconds.
    const expiryDates = version === "3.2" ? "seconds" : "iso";
    let db: TestDatabase;
    let backend: SqliteBackend;
    const ours = (options: Partial<SqliteBackendOptions> = {}) =>
      new SqliteBackend(db, { SECRET_KEY, djangoVersion: version }, options);
    const load = (key: string | null) => backend.getSession(key).load();
    const saved = async (data: Record<string, unknown>) => {
      const session = await load(null);
      session.update(data);
      assert.equal(await session.save(), true);
      return session.key!;
    };

    before(async () => {
      await dj().run(PY.migrate);
      db = await openSqlite(file);
      opened.push(db);
      backend = ours();
    });

    test("Django creates → we load the same data under the same key", async () => {
      const data = { user: "42", name: 'Zoë 🍪 "q"', cart: [1, 2.5, { sku: "a" }], ok: true };
      const key = await dj().run<string>(PY.create, data);
      const session = await load(key);
      assert.equal(session.key, key);
      assert.deepEqual(Object.fromEntries(session.entries()), data);
    });

    test("we create → Django loads it, with the expire_date we wrote", async () => {
      const before = Date.now();
      const key = await saved({ from: "ts", n: [1, { deep: "é" }] });
      const after = Date.now();
      const seen = await djangoSees(key);
      assert.deepEqual(seen, { key, data: { from: "ts", n: [1, { deep: "é" }] }, exists: true });
      const row = new Date((await dj().run<{ row: string }>(PY.expiry, key)).row).getTime();
      assert.ok(row >= before + 1209600_000 && row <= after + 1209600_000, `${row}`);
    });

    test("each side updates what the other wrote", async () => {
      const key = await dj().run<string>(PY.create, { a: 1 });
      const session = await load(key);
      session.set("b", 2);
      assert.equal(await session.save(), true);
      assert.deepEqual((await djangoSees(key)).data, { a: 1, b: 2 });
      await dj().run(PY.update, { key, data: { c: 3 } });
      const again = await load(key);
      assert.deepEqual(Object.fromEntries(again.entries()), { a: 1, b: 2, c: 3 });
      assert.equal(again.key, key);
    });

    test("our flush() → Django sees no session", async () => {
      const key = await dj().run<string>(PY.create, { user: "42" });
      await (await load(key)).flush();
      assert.deepEqual(await djangoSees(key), { key: null, data: {}, exists: false });
    });

    test("our cycleKey() → the old key is dead for Django, the new one holds the data", async () => {
      const old = await dj().run<string>(PY.create, { user: "42" });
      const session = await load(old);
      await session.cycleKey();
      assert.deepEqual(await djangoSees(old), { key: null, data: {}, exists: false });
      const fresh = session.key!;
      assert.deepEqual(await djangoSees(fresh), { key: fresh, data: { user: "42" }, exists: true });
    });

    test("expired rows are invisible to both, and each side's clear-up removes the other's", async () => {
      const theirs = await dj().run<string>(PY.create, { by: "django" });
      assert.equal(await dj().run(PY.expire, theirs), 1);
      const loaded = await load(theirs);
      assert.equal(loaded.key, null);
      assert.deepEqual(loaded.keys(), []);

      const session = await load(null);
      session.set("by", "us");
      session.setExpiry(new Date(Date.now() - 60_000));
      await session.save();
      const mine = session.key!;
      assert.deepEqual(await djangoSees(mine), { key: null, data: {}, exists: true });

      assert.ok(await backend.clearExpired() >= 1);
      assert.equal((await djangoSees(theirs)).exists, false, "ours removed Django's expired row");
      const another = await saved({ by: "us" });
      assert.equal(await dj().run(PY.expire, another), 1);
      await dj().run(PY.clearsessions);
      assert.equal(await backend.exists(another), false, "Django's clearsessions removed ours");
    });

    test("our setExpiry(0 | 300 | Date) is what Django's get_expiry_age() reads", async () => {
      type Expiry = { age: number; atBrowserClose: boolean; date: string };
      const session = await load(null);
      session.set("a", 1);
      session.setExpiry(0);
      await session.save();
      const key = session.key!;
      let seen = await dj().run<Expiry>(PY.expiry, key);
      assert.equal(seen.atBrowserClose, true);
      assert.equal(seen.age, 1209600);

      session.setExpiry(300);
      await session.save();
      seen = await dj().run<Expiry>(PY.expiry, key);
      assert.deepEqual([seen.age, seen.atBrowserClose], [300, false]);

      const at = new Date(Date.now() + 3_600_500);
      session.setExpiry(at);
      await session.save();
      const stored = session.get("_session_expiry");
      const asked = Date.now();
      seen = await dj().run<Expiry>(PY.expiry, key);
      const answered = Date.now();
      assert.equal(seen.atBrowserClose, false);
      if (expiryDates === "iso") {
        assert.equal(new Date(seen.date).getTime(), at.getTime());
        const [low, high] = [at.getTime() - answered, at.getTime() - asked].map((ms) =>
          Math.floor(ms / 1000)
        );
        assert.ok(seen.age >= low && seen.age <= high, `${seen.age} in [${low}, ${high}]`);
      } else assert.equal(seen.age, stored);
    });

    test("Django deleting the row between our load and save → SessionInterrupted", async () => {
      const key = await saved({ a: 1 });
      const session = await load(key);
      await dj().run(PY.delete, key);
      session.set("a", 2);
      await assert.rejects(session.save(), SessionInterrupted);
      assert.equal((await djangoSees(key)).exists, false, "the row was not written again");
    });

    test("hostile keys give a new empty session; Django's table is untouched", async () => {
      const witness = await dj().run<string>(PY.create, { witness: true });
      for (const hostile of HOSTILE_KEYS) {
        const session = await load(hostile);
        assert.equal(session.key, null);
        session.set("after", hostile);
        await session.save();
        assert.notEqual(session.key, hostile);
        assert.deepEqual((await djangoSees(session.key!)).data, { after: hostile });
      }
      assert.deepEqual((await djangoSees(witness)).data, { witness: true });
    });

    test("50 concurrent creates → 50 rows Django loads", async () => {
      const keys = await Promise.all(Array.from({ length: 50 }, (_, i) => saved({ i })));
      assert.equal(new Set(keys).size, 50);
      assert.deepEqual(await dj().run(PY.decodeAll, keys), keys.map((_, i) => i));
    });

    test("Django and we write the file at the same moment: every write lands", async () => {
      // Django's 200 saves run in its own process while ours run here: each side's writes meet
      // the other's lock, and the busy timeouts (ours and Django's 5 s) make them wait, not fail.
      const theirs = dj().run<string[]>(PY.createMany, 200);
      const mine: string[] = [];
      for (let i = 0; i < 200; i++) mine.push(await saved({ i }));
      const keys = [...await theirs, ...mine];
      assert.equal(new Set(keys).size, 400);
      assert.equal(await dj().run(PY.countLive, keys), 400);
    });

    test("a new key that collides with Django's row is drawn again", async () => {
      const taken = await dj().run<string>(PY.create, { owner: "django" });
      const fresh = newSessionKey();
      const keys = [taken, fresh];
      const session = await ours({ newKey: () => keys.shift()! }).getSession().load();
      session.set("owner", "us");
      await session.save();
      assert.equal(session.key, fresh);
      assert.deepEqual((await djangoSees(taken)).data, { owner: "django" });
    });

    test("Django holding the write lock: our save fails typed, reads go on, then saves resume", async () => {
      const key = await saved({ n: 1 });
      const second = await openSqlite(file);
      opened.push(second);
      // A short wait keeps the test quick; what it shows does not depend on its length.
      const waiting = new SqliteBackend(second, { SECRET_KEY }, { busyTimeout: 50 });
      await dj().run(PY.lock, "BEGIN IMMEDIATE");
      try {
        const session = await waiting.getSession(key).load();
        assert.equal(session.get("n"), 1);
        session.set("n", 2);
        await assert.rejects(session.save(), StoreUnavailable);
      } finally {
        await dj().run(PY.lock, "ROLLBACK");
      }
      const session = await waiting.getSession(key).load();
      session.set("n", 3);
      assert.equal(await session.save(), true);
      assert.deepEqual((await djangoSees(key)).data, { n: 3 });
    });
  });
}
