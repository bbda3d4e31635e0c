/**
 * `Session` against Django's `SessionBase` itself: the same call on the same data must leave the same
 * `accessed` / `modified` flags and the same data in our session and in Django 3.2, 4.2 and 5.2.
 * Ours runs on PGlite (a real PostgreSQL); Django's on its signed-cookie store, which adds nothing to
 * `SessionBase`'s dict behaviour.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PGlite } from "@electric-sql/pglite";
import type { Session } from "../../../src/session/session.ts";
import { createSessionTable, PostgresBackend } from "../../../src/stores/postgres.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { SECRET_KEY } from "../../_sqlite.ts";

type Call = [method: string, args: unknown[], initial: Record<string, unknown>];

const X = { x: 1 };
const CALLS: Call[] = [
  ["get", ["x"], X],
  ["get", ["missing"], X],
  ["has", ["x"], X],
  ["set", ["y", 2], X],
  ["set", ["x", 1], X],
  ["delete", ["x"], X],
  ["delete", ["missing"], X],
  ["pop", ["x"], X],
  ["pop", ["missing", 0], X],
  ["setDefault", ["x", 5], X],
  ["setDefault", ["y", 5], X],
  ["update", [{}], X],
  ["update", [{ y: 3 }], X],
  ["keys", [], X],
  ["values", [], X],
  ["entries", [], X],
  ["clear", [], X],
  ["isEmpty", [], X],
  ["setExpiry", [null], X],
  ["setExpiry", [null], { x: 1, _session_expiry: 60 }],
  ["setExpiry", [300], X],
  ["setExpiry", [0], X],
  ["getExpiryAge", [], X],
  ["getExpiryAge", [], { _session_expiry: 60 }],
  ["getExpireAtBrowserClose", [], X],
  ["getExpireAtBrowserClose", [], { _session_expiry: 0 }],
  ["setTestCookie", [], X],
  ["testCookieWorked", [], { testcookie: "worked" }],
  ["deleteTestCookie", [], { testcookie: "worked" }],
];

const DJANGO_CALLS = `
from django.contrib.sessions.backends.signed_cookies import SessionStore
names = {"setDefault": "setdefault", "entries": "items", "setExpiry": "set_expiry",
         "getExpiryAge": "get_expiry_age", "getExpireAtBrowserClose": "get_expire_at_browser_close",
         "setTestCookie": "set_test_cookie", "testCookieWorked": "test_cookie_worked",
         "deleteTestCookie": "delete_test_cookie", "isEmpty": "is_empty"}
result = []
for method, call_args, initial in args:
    s = SessionStore()
    s._session_cache = dict(initial)
    try:
        if method == "has":
            call_args[0] in s
        elif method == "set":
            s[call_args[0]] = call_args[1]
        elif method == "delete":
            del s[call_args[0]]
        else:
            getattr(s, names.get(method, method))(*call_args)
    except KeyError:
        pass
    result.append([s.accessed, s.modified, dict(s._session_cache)])
`;

const db = new PGlite();
const backend = new PostgresBackend(db, { SECRET_KEY });
before(() => createSessionTable(db));
after(async () => {
  await closeDjangos();
  await db.close();
});

/** A saved session holding `initial`, loaded afresh so that both flags are false. */
async function loaded(initial: Record<string, unknown>): Promise<Session> {
  const session = await backend.getSession().load();
  session.update(initial);
  await session.save();
  return backend.getSession(session.key).load();
}

async function ourFlags(): Promise<unknown[]> {
  const results = [];
  for (const [method, args, initial] of CALLS) {
    const session = await loaded(initial);
    const call = session[method as keyof Session];
    if (typeof call === "function") (call as (...a: unknown[]) => unknown).apply(session, args);
    else void call;
    const flags = [session.accessed, session.modified];
    results.push([...flags, Object.fromEntries(session.entries())]);
  }
  return results;
}

for (const version of DJANGO_VERSIONS) {
  describe(`Session flags and data match Django ${version}'s SessionBase`, () => {
    test("call by call", async () => {
      const theirs = await django(version).run<unknown[]>(DJANGO_CALLS, CALLS);
      const ours = await ourFlags();
      CALLS.forEach(([method, args, initial], i) => {
        assert.deepEqual(
          ours[i],
          theirs[i],
          `${method}(${JSON.stringify(args)}) on ${JSON.stringify(initial)}`,
        );
      });
    });
  });
}
