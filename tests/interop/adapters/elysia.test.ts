/**
 * The Elysia plugin through Elysia's own server (`app.listen`, so under Bun whatever the runner),
 * with real Django on the same SQLite file and on the same PostgreSQL schema: Django writes, the
 * app reads; the app writes, Django reads; logout; a new session's Set-Cookie byte for byte
 * Django's.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  closeDjangos,
  django,
  DJANGO_DB_CREATE,
  DJANGO_VERSIONS,
  sqliteDatabase,
} from "../../_django.ts";
import { postgresSchema, SECRET_KEY } from "../../_postgres.ts";
import { tempDirectory } from "../../_sqlite.ts";
import { startServer } from "../../_server.ts";

/** Bun stops a test after 5 s; a cold Django on a busy machine can take longer. */
const slow = { timeout: 60_000 };
const COOKIE =
  /^sessionid=([a-z0-9]{32}); expires=([^;]+ GMT); HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/;
const READ = `from django.contrib.sessions.backends.db import SessionStore
result = dict(SessionStore(session_key=args).items())`;
/** Django's SessionMiddleware answering for the session `args.key` at the time `args.now`. */
const DJANGO_COOKIE = `from django.contrib.sessions import middleware
from django.http import HttpResponse
from django.test import RequestFactory

class Clock:
    def time(self):
        return args["now"]

middleware.time = Clock()
def view(request):
    request.session["django"] = 1
    return HttpResponse()
request = RequestFactory().get("/", HTTP_COOKIE="sessionid=" + args["key"])
result = middleware.SessionMiddleware(view)(request).cookies["sessionid"].OutputString()`;
const MIGRATE = `from django.core.management import call_command
call_command("migrate", "sessions", verbosity=0)`;

// At module level, not in before(): Bun gives hooks 5 s, and a cold Django migrate can take longer.
const dir = tempDirectory("elysia");
const file = dir.path("db.sqlite3");
const schema = await postgresSchema("elysia");
const databases = {
  SQLite: { SECRET_KEY, DATABASES: { default: sqliteDatabase(file) } },
  PostgreSQL: schema.django,
};
for (const settings of Object.values(databases)) await django("5.2", settings).run(MIGRATE);
const servers = {
  SQLite: await startServer("bun", ["tests/servers/elysia.ts"], { SQLITE_PATH: file }),
  PostgreSQL: await startServer("bun", ["tests/servers/elysia.ts"], { PG_SCHEMA: schema.name }),
};
after(async () => {
  await closeDjangos();
  await Promise.all([servers.SQLite.close(), servers.PostgreSQL.close()]);
  await schema.drop();
  dir.remove();
});

for (const [database, server] of Object.entries(servers)) {
  const get = (path: string, key?: string) =>
    fetch(`${server.url}${path}`, {
      headers: key ? { cookie: `sessionid=${key}` } : {},
      redirect: "manual",
    });

  for (const version of DJANGO_VERSIONS) {
    const dj = django(version, databases[database as keyof typeof databases]);

    describe(`Elysia djangoSession with Django ${version} on ${database}`, () => {
      test("the handler reads Django's session; the change reaches Django", slow, async () => {
        const key = await dj.run<string>(DJANGO_DB_CREATE, { django: 3 });
        const response = await get("/count", key);
        assert.deepEqual(await response.json(), { django: 3, elysia: 1 });
        assert.equal(response.headers.get("set-cookie")!.match(COOKIE)![1], key);
        assert.equal(response.headers.get("vary"), "Accept-Encoding, Cookie");
        assert.deepEqual(await dj.run(READ, key), { django: 3, elysia: 1 });
      });

      test("a new session: Django reads it, and its Set-Cookie is Django's", slow, async () => {
        const response = await get("/count");
        const setCookie = response.headers.get("set-cookie")!;
        const [, key, expires] = setCookie.match(COOKIE)!;
        assert.deepEqual(await dj.run(READ, key), { elysia: 1 });
        const now = Date.parse(expires) / 1000 - 1209600;
        assert.equal(setCookie, await dj.run(DJANGO_COOKIE, { key, now }));
      });

      test("status(201) commits like any 2xx", slow, async () => {
        const response = await get("/created");
        assert.equal(response.status, 201);
        const [, key] = response.headers.get("set-cookie")!.match(COOKIE)!;
        assert.deepEqual(await dj.run(READ, key), { elysia: "created" });
      });

      test("a route that ignores the session sends no cookie and no Vary", slow, async () => {
        const key = await dj.run<string>(DJANGO_DB_CREATE, { django: 1 });
        const response = await get("/static", key);
        assert.equal(await response.text(), "no session here");
        assert.equal(response.headers.get("set-cookie"), null);
        assert.equal(response.headers.get("vary"), null);
      });

      test("logout (flush) on redirect() deletes the row and the cookie", slow, async () => {
        const key = await dj.run<string>(DJANGO_DB_CREATE, { django: 1 });
        const response = await get("/logout", key);
        assert.equal(response.status, 302);
        assert.equal(
          response.headers.get("set-cookie"),
          'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax',
        );
        assert.deepEqual(await dj.run(READ, key), {});
      });

      test("a handler that throws saves nothing", slow, async () => {
        const key = await dj.run<string>(DJANGO_DB_CREATE, { elysia: 5 });
        const response = await get("/fail", key);
        assert.equal(response.status, 500);
        assert.equal(response.headers.get("set-cookie"), null);
        assert.deepEqual(await dj.run(READ, key), { elysia: 5 });
      });
    });
  }
}
