/**
 * No silent data loss (issue 14, point 3), with real Django writing the rows: a session whose
 * signature verifies is never read as `{}` and then overwritten. Python's NaN and ±Infinity read and
 * write back as Python's; JSON past `maxDecompressedBytes` or nested past the parser's depth is
 * `SessionUnreadable`, answered 500 with the row left as Django wrote it. A bad signature still
 * reads as an empty session, as in Django.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { SessionUnreadable } from "../../../src/errors.ts";
import { withSession } from "../../../src/adapters/fetch.ts";
import { Session } from "../../../src/session/session.ts";
import { createSessionTable, PostgresBackend } from "../../../src/stores/postgres.ts";
import { SignedCookieStore } from "../../../src/stores/signed_cookies.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { postgresSchema, SECRET_KEY } from "../../_postgres.ts";

const schema = await postgresSchema("unreadable");
const sql = schema.client();
const backend = new PostgresBackend(sql, { SECRET_KEY });
before(() => createSessionTable(sql));
after(async () => {
  await closeDjangos();
  await schema.drop();
});

/** Django saves `{"_auth_user_id": "1"}` plus the Python expression `args` as "extra". */
const DJANGO_SAVE = `
from django.contrib.sessions.backends.db import SessionStore
s = SessionStore()
s["_auth_user_id"] = "1"
s["extra"] = eval(args)
s.save()
result = s.session_key
`;
/** What Django reads: its dict as Python's json.dumps writes it, and the raw row. */
const DJANGO_READ = `
import json
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
s = SessionStore(args)
row = Session.objects.filter(pk=args).first()
try:
    data = json.dumps(dict(s), sort_keys=True)
except Exception:  # Django cannot use these either (a list; 3.2 raises on the deep one)
    data = None
result = [data, row and row.session_data]
`;
/** A row signed by Django's key holder, holding JSON text Django's own encoder would not write. */
const DJANGO_RAW_ROW = `
from datetime import timedelta
from django.core import signing
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
class Raw:
    def dumps(self, obj):
        return obj.encode("latin-1")
s = SessionStore()
key = s._get_new_session_key()
data = signing.dumps(args, salt="django.contrib.sessions.SessionStore", serializer=Raw, compress=True)
s.model.objects.create(session_key=key, session_data=data, expire_date=timezone.now() + timedelta(days=1))
result = key
`;

const handler = withSession({ backend }, async (_request, { session }) => {
  await session.load();
  session.set("visits", 1);
  return new Response("ok");
});
const request = (key: string) =>
  new Request("http://app.test/", { headers: { cookie: `sessionid=${key}` } });

for (const version of DJANGO_VERSIONS) {
  const dj = django(version, schema.django);

  test(`Django ${version}: NaN and ±Infinity read as numbers and are written back as Python's`, async () => {
    const key = await dj.run<string>(DJANGO_SAVE, '[float("nan"), float("inf"), float("-inf")]');
    const session = await backend.getSession(key).load();
    assert.deepEqual(session.get("extra"), [NaN, Infinity, -Infinity]);
    assert.equal((await handler(request(key))).status, 200);
    const [data] = await dj.run<[string]>(DJANGO_READ, key);
    assert.equal(data, '{"_auth_user_id": "1", "extra": [NaN, Infinity, -Infinity], "visits": 1}');
  });

  for (
    const [what, json] of [
      ["nested 2000 deep", `{"_auth_user_id":"1","deep":${"[".repeat(2000)}${"]".repeat(2000)}}`],
      [
        "inflating past maxDecompressedBytes",
        `{"_auth_user_id":"1","big":"${"a".repeat(2 ** 21)}"}`,
      ],
      ["not a JSON object", `["_auth_user_id", "1"]`],
    ]
  ) {
    test(`Django ${version}: a verified session ${what} answers 500 and keeps its row`, async () => {
      const key = await dj.run<string>(DJANGO_RAW_ROW, json);
      const [, before] = await dj.run<[string, string]>(DJANGO_READ, key);
      await assert.rejects(backend.getSession(key).load(), SessionUnreadable);
      const response = await handler(request(key));
      assert.equal(response.status, 500);
      assert.equal(response.headers.get("set-cookie"), null);
      const [, after] = await dj.run<[string, string]>(DJANGO_READ, key);
      assert.equal(after, before);
    });
  }

  test(`Django ${version}: a bad signature still reads as an empty session`, async () => {
    const key = await dj.run<string>(DJANGO_SAVE, '"x"');
    await sql.unsafe(
      `UPDATE django_session SET session_data = 'e30:1r31eq:' || repeat('A', 43) WHERE session_key = $1`,
      [key],
    );
    assert.deepEqual((await backend.getSession(key).load()).keys(), []);
  });
}

test("a session that could not be read back is refused at save, before any write", async () => {
  const session = await backend.getSession().load();
  let deep: unknown[] = [];
  for (let i = 0; i < 1001; i++) deep = [deep];
  session.set("deep", deep);
  await assert.rejects(session.save(), RangeError);
  session.set("deep", "a".repeat(2 ** 21));
  await assert.rejects(session.save(), RangeError);
  assert.equal(session.key, null);
});

test("a signed cookie that verifies but cannot be read is SessionUnreadable, not a new session", async () => {
  const store = new SignedCookieStore({ SECRET_KEY, maxDecompressedBytes: 1 << 16 });
  const big = await new SignedCookieStore({ SECRET_KEY }).create({
    a: "a".repeat(1 << 17),
  });
  await assert.rejects(store.load(big), SessionUnreadable);
  assert.equal(await store.load("e30:1r31eq:" + "A".repeat(43)), null);
  await assert.rejects(new Session(store, big, { SECRET_KEY }).load(), SessionUnreadable);
});
