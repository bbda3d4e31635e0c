// The Express adapter through real Express on a port, real HTTP, with real Django 3.2/4.2/5.2 on the
// same PostgreSQL schema and the same SQLite file: logins, writes and logouts cross both ways; every
// way a response leaves saves before its headers; a failed handler saves nothing; a session deleted
// meanwhile answers 400, a store that is down 503.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import postgres from "postgres";
import {
  SessionChangedAfterHeaders,
  SessionInterrupted,
  StoreUnavailable,
} from "../../../src/errors.ts";
import { postgresUsers, sqliteUsers, type UserSource } from "../../../src/auth/mod.ts";
import type { SessionBackend } from "../../../src/session/backend.ts";
import { PostgresBackend } from "../../../src/stores/postgres.ts";
import { SqliteBackend } from "../../../src/stores/sqlite.ts";
import {
  closeDjangos,
  django,
  DJANGO_DB_CREATE,
  DJANGO_VERSIONS,
  type DjangoVersion,
  sqliteDatabase,
} from "../../_django.ts";
import { postgresSchema } from "../../_postgres.ts";
import { openSqlite, tempDirectory, type TestDatabase } from "../../_sqlite.ts";
import { type ExpressApp, SERVED_FILE, startExpressApp } from "./_express_app.ts";

const SECRET_KEY = "django-insecure-express-test";
const COOKIE =
  /^sessionid=([a-z0-9]{32}); expires=[^;]+ GMT; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/;
const DELETED =
  'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax';

const PY = `
from django.contrib.auth import get_user, login, logout
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

def request(key):
    r = RequestFactory().get("/")
    r.session = SessionStore(key)
    return r
`;
const DJ = {
  migrate: `from django.core.management import call_command
call_command("migrate", verbosity=0)`,
  createUser: PY + `
u = User.objects.create_user(args, is_staff=True)
result = u.pk`,
  login: PY + `
r = request(None)
login(r, User.objects.get(username=args))
r.session.save()
result = r.session.session_key`,
  user: PY + `
u = get_user(request(args))
result = u.username if u.is_authenticated else None`,
  logout: PY + "logout(request(args))",
  read: PY + "result = dict(SessionStore(session_key=args).items())",
  delete: PY + "SessionStore(session_key=args).delete()",
};

interface Store {
  name: string;
  django: Record<string, unknown>;
  backend(version: DjangoVersion): SessionBackend;
  users(): UserSource;
}

const dir = tempDirectory("express");
const file = dir.path("db.sqlite3");
const schema = await postgresSchema("express");
const sql = schema.client();
let db: TestDatabase;
const settings = (version: DjangoVersion) => ({ SECRET_KEY, djangoVersion: version });
const STORES: Store[] = [
  {
    name: "PostgreSQL",
    django: schema.django,
    backend: (version) => new PostgresBackend(sql, settings(version)),
    users: () => postgresUsers(sql),
  },
  {
    name: "SQLite",
    django: { DATABASES: { default: sqliteDatabase(file) } },
    backend: (version) => new SqliteBackend(db, settings(version)),
    users: () => sqliteUsers(db),
  },
];

before(async () => {
  for (const store of STORES) await django("5.2", { ...store.django, SECRET_KEY }).run(DJ.migrate);
  db = await openSqlite(file);
});
after(async () => {
  await closeDjangos();
  db.close();
  await schema.drop();
  dir.remove();
});

const get = (app: ExpressApp, path: string, key?: string, method = "GET") =>
  fetch(app.url + path, {
    method,
    redirect: "manual",
    headers: key ? { cookie: `sessionid=${key}` } : {},
  });
// login() also sends the rotated CSRF cookie, as Django's does: the session's is one of the list.
const keyOf = (response: Response) =>
  response.headers.getSetCookie().map((cookie) => cookie.match(COOKIE)).find(Boolean)![1];

for (const store of STORES) {
  for (const version of DJANGO_VERSIONS) {
    describe(`Express djangoSession with Django ${version} on ${store.name}`, () => {
      const dj = django(version, { ...store.django, SECRET_KEY });
      let app: ExpressApp;
      let username: string;
      before(async () => {
        app = await startExpressApp(store.backend(version), store.users());
        username = `express-${crypto.randomUUID().slice(0, 8)}`;
        await dj.run(DJ.createUser, username);
      });
      after(() => app.close());

      test("Django logs in → req.user() is that user", async () => {
        const key = await dj.run<string>(DJ.login, username);
        assert.deepEqual(await (await get(app, "/me", key)).json(), { user: username });
        assert.deepEqual(await (await get(app, "/me")).json(), { user: null });
      });

      test("Express logs in → Django's get_user sees the user", async () => {
        const response = await get(app, `/login/${username}`, undefined, "POST");
        assert.equal(response.status, 303);
        assert.equal(await dj.run(DJ.user, keyOf(response)), username);
      });

      test("Express writes → Django reads it, same key, Django's cookie and Vary", async () => {
        const key = await dj.run<string>(DJANGO_DB_CREATE, { django: 3 });
        const response = await get(app, "/count", key);
        assert.deepEqual(await response.json(), { django: 3, express: 1 });
        assert.equal(keyOf(response), key);
        assert.equal(response.headers.get("vary"), "Accept-Encoding, Cookie");
        assert.deepEqual(await dj.run(DJ.read, key), { django: 3, express: 1 });
      });

      test("a route that ignores the session sends no cookie and no Vary", async () => {
        const key = await dj.run<string>(DJANGO_DB_CREATE, { django: 1 });
        const response = await get(app, "/static", key);
        assert.equal(await response.text(), "static");
        assert.equal(response.headers.get("set-cookie"), null);
        assert.equal(response.headers.get("vary"), null);
      });

      test("logout in Express → anonymous in Express and in Django", async () => {
        const key = await dj.run<string>(DJ.login, username);
        const response = await get(app, "/logout", key);
        assert.equal(response.status, 302);
        assert.equal(response.headers.get("set-cookie"), DELETED);
        assert.equal(await dj.run(DJ.user, key), null);
        assert.deepEqual(await (await get(app, "/me", key)).json(), { user: null });
      });

      test("logout in Django → anonymous in Express", async () => {
        const key = keyOf(await get(app, `/login/${username}`, undefined, "POST"));
        assert.deepEqual(await (await get(app, "/me", key)).json(), { user: username });
        await dj.run(DJ.logout, key);
        assert.deepEqual(await (await get(app, "/me", key)).json(), { user: null });
      });

      for (const [path, body] of [["/stream", "abc"], ["/pipe", "xyz"]]) {
        test(`${path}: a streamed body waits for the save; the cookie is set`, async () => {
          const response = await get(app, path);
          assert.equal(await response.text(), body);
          assert.deepEqual(await dj.run(DJ.read, keyOf(response)), { express: 1 });
        });
      }

      test("a change after the first write is reported, not saved", async () => {
        const key = await dj.run<string>(DJANGO_DB_CREATE, { django: 1 });
        const response = await get(app, "/late", key);
        assert.equal(await response.text(), "firstlast");
        assert.equal(response.headers.get("set-cookie"), null);
        const error = await app.nextError();
        assert.ok(error instanceof SessionChangedAfterHeaders);
        assert.equal(error.code, "SESSION_CHANGED_AFTER_HEADERS");
        assert.deepEqual(await dj.run(DJ.read, key), { django: 1 });
      });

      test("res.redirect, res.sendFile and res.writeHead save before their headers", async () => {
        const redirect = await get(app, "/redirect");
        assert.equal(redirect.status, 302);
        assert.equal(redirect.headers.get("location"), "/static");
        const sent = await get(app, "/file", keyOf(redirect));
        assert.equal(await sent.text(), readFileSync(SERVED_FILE, "utf8"));
        const head = await get(app, "/head", keyOf(sent));
        // writeHead(201, "Made", headers): the reason phrase is not checked, as Deno's server
        // always sends the status's own; its headers are, Vary merged with ours.
        assert.equal(head.status, 201);
        assert.equal(head.headers.get("content-type"), "text/plain");
        assert.equal(head.headers.get("vary"), "Accept, Cookie");
        assert.equal(await head.text(), "made");
        assert.equal(keyOf(head), keyOf(redirect));
        assert.deepEqual(await dj.run(DJ.read, keyOf(head)), { express: 3 });
      });

      for (const path of ["/throw", "/next-error"]) {
        test(`${path}: the error handler's 500 saves nothing`, async () => {
          const key = await dj.run<string>(DJANGO_DB_CREATE, { express: 5 });
          const response = await get(app, path, key);
          assert.equal(response.status, 500);
          assert.equal(response.headers.get("set-cookie"), null);
          assert.deepEqual(await dj.run(DJ.read, key), { express: 5 });
        });
      }

      test("a session Django deletes mid-request answers 400 (SessionInterrupted)", async () => {
        const key = await dj.run<string>(DJANGO_DB_CREATE, { express: 5 });
        app.interrupt = (deleted) => dj.run(DJ.delete, deleted);
        const response = await get(app, "/interrupt", key);
        assert.equal(response.status, 400);
        assert.equal(await response.text(), "Bad Request");
        assert.equal(response.headers.get("set-cookie"), null);
        assert.ok(await app.nextError() instanceof SessionInterrupted);
        assert.deepEqual(await dj.run(DJ.read, key), {});
      });
    });
  }
}

describe("Express djangoSession with the store down", () => {
  // Nothing listens on port 1: every query fails to connect, as with a server that is down.
  const down = postgres("postgres://postgres@127.0.0.1:1/test", { max: 1, connect_timeout: 2 });
  let app: ExpressApp;
  before(async () => {
    app = await startExpressApp(new PostgresBackend(down, { SECRET_KEY }));
  });
  after(async () => {
    await app.close();
    await down.end();
  });

  test("the save fails → 503 with Retry-After, the error reported", async () => {
    const response = await get(app, "/new");
    assert.equal(response.status, 503);
    assert.equal(response.headers.get("retry-after"), "5");
    assert.equal(response.headers.get("set-cookie"), null);
    assert.equal(await response.text(), "Service Unavailable");
    assert.ok(await app.nextError() instanceof StoreUnavailable);
  });

  test("CSRF_USE_SESSIONS: the check's load fails → 503 before any route", async () => {
    const csrfInSession = await startExpressApp(
      new PostgresBackend(down, { SECRET_KEY, CSRF_USE_SESSIONS: true }),
    );
    try {
      const response = await get(csrfInSession, "/static", "a".repeat(32));
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "5");
      assert.equal(await response.text(), "Service Unavailable");
    } finally {
      await csrfInSession.close();
    }
  });
});
