/**
 * Real Django 3.2, 4.2 and 5.2 and our PostgreSQL backend on one schema, migrated by Django: each side
 * reads, updates, expires, flushes and cycles the other's sessions (issue 3, point 4).
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { SessionInterrupted } from "../../../src/errors.ts";
import { PostgresBackend } from "../../../src/stores/postgres.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { postgresSchema, SECRET_KEY } from "../../_postgres.ts";

const STORE = "from django.contrib.sessions.backends.db import SessionStore\n";

/** Django creates a session from `args.data`, with `args.expiry` seconds when given. */
const CREATE = STORE + `
s = SessionStore()
s.update(args["data"])
expiry = args.get("expiry")
if isinstance(expiry, str):
    from datetime import datetime
    expiry = datetime.fromisoformat(expiry)
if expiry is not None:
    s.set_expiry(expiry)
s.save()
result = s.session_key`;

/** What Django sees under the key `args`. */
const READ = STORE + `
from django.contrib.sessions.models import Session
from django.utils import timezone
s = SessionStore(args)
data = dict(s.items())
row = Session.objects.filter(session_key=args).first()
result = {"key": s.session_key, "data": data, "age": s.get_expiry_age(),
          "close": s.get_expire_at_browser_close(), "exists": row is not None,
          "row_age": (row.expire_date - timezone.now()).total_seconds() if row else None}`;

const UPDATE = STORE + `
s = SessionStore(args["key"])
s.update(args["data"])
s.save()
result = s.session_key`;

const DELETE = STORE + "SessionStore(args).delete()";

interface Seen {
  key: string | null;
  data: Record<string, unknown>;
  age: number;
  close: boolean;
  exists: boolean;
  row_age: number | null;
}

const schema = await postgresSchema("pg_django");
const sql = schema.client();
// At module level, not in before(): Bun gives hooks 5 s, and a cold Django migrate can take longer.
await django("5.2", schema.django).run(`from django.core.management import call_command
call_command("migrate", "sessions", verbosity=0)`);
after(async () => {
  await closeDjangos();
  await schema.drop();
});

for (const version of DJANGO_VERSIONS) {
  describe(`Django ${version} and PostgresBackend on one schema`, () => {
    const dj = django(version, schema.django);
    const read = (key: string | null) => dj.run<Seen>(READ, key);
    // Django 3.2 cannot read ISO expiry strings (4.1+): djangoVersion stores dates as seconds.
    const backend = new PostgresBackend(sql, { SECRET_KEY, djangoVersion: version });
    const ours = async (data: Record<string, unknown>) => {
      const session = await backend.getSession().load();
      session.update(data);
      await session.save();
      return session;
    };

    test("Django creates, we load the same data (compressed too) and update it", async () => {
      const data = { user: "42", name: "Zoë 🍪", big: "x".repeat(2000), n: [1, 2.5, null] };
      const key = await dj.run<string>(CREATE, { data });
      const session = await backend.getSession(key).load();
      assert.equal(session.key, key);
      assert.deepEqual(Object.fromEntries(session.entries()), data);
      session.set("cart", [7]);
      await session.save();
      assert.deepEqual((await read(key)).data, { ...data, cart: [7] });
    });

    test("we create, Django loads it with its expire_date, updates it, and we read that", async () => {
      const session = await ours({ user: "7", name: "Zoë" });
      session.setExpiry(300);
      await session.save();
      const seen = await read(session.key);
      assert.deepEqual(seen.data, { user: "7", name: "Zoë", _session_expiry: 300 });
      assert.equal(seen.age, 300);
      assert.ok(seen.row_age! > 290 && seen.row_age! <= 300, `row expires in ${seen.row_age}s`);
      await dj.run(UPDATE, { key: session.key, data: { user: "8" } });
      assert.equal((await backend.getSession(session.key).load()).get("user"), "8");
    });

    test("our setExpiry(0 | 300 | Date) is what Django's get_expiry_age / at_browser_close say", async () => {
      const session = await ours({ a: 1 });
      session.setExpiry(0);
      await session.save();
      assert.deepEqual([(await read(session.key)).age, (await read(session.key)).close], [
        1209600,
        true,
      ]);
      session.setExpiry(300);
      await session.save();
      assert.deepEqual([(await read(session.key)).age, (await read(session.key)).close], [
        300,
        false,
      ]);
      session.setExpiry(new Date(Date.now() + 3_600_000));
      await session.save();
      const seen = await read(session.key);
      assert.ok(seen.age > 3590 && seen.age <= 3600, `age ${seen.age}`);
      assert.equal(seen.close, false);
    });

    if (version !== "3.2") {
      test("Django's set_expiry(datetime) reads back as the same instant", async () => {
        const at = "2031-05-06T07:08:09.123456+02:00";
        const key = await dj.run<string>(CREATE, { data: {}, expiry: at });
        const session = await backend.getSession(key).load();
        assert.equal(session.get("_session_expiry"), at);
        assert.equal(session.getExpiryDate().toISOString(), "2031-05-06T05:08:09.123Z");
        assert.equal(session.getExpireAtBrowserClose(), false);
      });
    }

    test("our flush() leaves Django no session", async () => {
      const session = await ours({ user: "1" });
      const key = session.key;
      await session.flush();
      const seen = await read(key);
      assert.deepEqual([seen.key, seen.data, seen.exists], [null, {}, false]);
    });

    test("our cycleKey(): the old key is dead for Django, the new one holds the data", async () => {
      const key = await dj.run<string>(CREATE, { data: { user: "5" } });
      const session = await backend.getSession(key).load();
      await session.cycleKey();
      assert.deepEqual((await read(key)).key, null);
      assert.deepEqual((await read(session.key)).data, { user: "5" });
    });

    test("expired rows are invisible to both sides", async () => {
      const theirs = await dj.run<string>(CREATE, { data: { a: 1 }, expiry: -10 });
      assert.equal((await backend.getSession(theirs).load()).key, null);
      const session = await ours({ b: 1 });
      session.setExpiry(new Date(Date.now() - 10_000));
      await session.save();
      const seen = await read(session.key);
      assert.deepEqual([seen.key, seen.data, seen.exists], [null, {}, true]);
    });

    test("Django deleting the row between our load and save gives SessionInterrupted", async () => {
      const key = await dj.run<string>(CREATE, { data: { a: 1 } });
      const session = await backend.getSession(key).load();
      await dj.run(DELETE, key);
      session.set("a", 2);
      await assert.rejects(session.save(), SessionInterrupted);
    });

    test("a row whose data does not verify: both sides keep its key with no data", async () => {
      const key = await dj.run<string>(CREATE, { data: { a: 1 } });
      await sql`update django_session set session_data = ${"eyJhIjoxfQ:1:forged"}
        where session_key = ${key}`;
      const seen = await read(key);
      const session = await backend.getSession(key).load();
      assert.deepEqual([session.key, session.keys()], [seen.key, Object.keys(seen.data)]);
      assert.deepEqual([seen.key, seen.data], [key, {}]);
    });

    test("hostile keys give a new empty session on both sides", async () => {
      for (const key of ["", "abcdefg", "a".repeat(41), "x' OR 1=1 --", "sessión-clé-1234"]) {
        const session = await backend.getSession(key).load();
        assert.deepEqual([session.key, session.keys()], [null, []]);
        const seen = await read(key);
        assert.deepEqual([seen.key, seen.data], [null, {}]);
      }
    });
  });
}
