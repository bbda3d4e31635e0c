// The Hono middleware, Request → Response through app.request(), on a SQLite file real Django
// reads and writes (this runtime's own SQLite driver).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { djangoSession, type SessionEnv } from "../../../src/adapters/hono.ts";
import { SqliteBackend } from "../../../src/stores/sqlite.ts";
import { createSqliteSessionTable } from "../../../src/stores/sqlite_schema.ts";
import {
  closeDjangos,
  django,
  DJANGO_DB_CREATE,
  DJANGO_VERSIONS,
  sqliteDatabase,
} from "../../_django.ts";
import { openSqlite, tempDirectory, type TestDatabase } from "../../_sqlite.ts";

const SECRET_KEY = "django-insecure-hono-test";
const COOKIE =
  /^sessionid=([a-z0-9]{32}); expires=[^;]+ GMT; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/;

const DJANGO_READ = `
from django.contrib.sessions.backends.db import SessionStore
result = dict(SessionStore(session_key=args).items())
`;

const dir = tempDirectory("http-hono");
const file = dir.path("db.sqlite3");
let db: TestDatabase;
let app: Hono<SessionEnv>;

before(async () => {
  db = await openSqlite(file);
  createSqliteSessionTable(db);
  app = new Hono<SessionEnv>();
  app.use(djangoSession({ backend: new SqliteBackend(db, { SECRET_KEY }) }));
  app.onError((_error, c) => c.text("failed", 500));
  app.get("/count", async (c) => {
    const session = await c.var.session.load();
    const hono = ((session.get("hono") as number | undefined) ?? 0) + 1;
    session.set("hono", hono);
    c.header("Vary", "Accept-Encoding");
    return c.json({ django: session.get("django") ?? null, hono });
  });
  app.get("/static", (c) => c.text("no session here"));
  app.get("/logout", async (c) => {
    await c.var.session.flush();
    return c.redirect("/");
  });
  app.get("/fail", async (c) => {
    (await c.var.session.load()).set("hono", -1);
    throw new Error("handler failed");
  });
});
after(async () => {
  await closeDjangos();
  db.close();
  dir.remove();
});

const get = (path: string, key?: string) =>
  app.request(path, { headers: key ? { cookie: `sessionid=${key}` } : {} });

for (const version of DJANGO_VERSIONS) {
  describe(`Hono djangoSession with Django ${version} on the same SQLite file`, () => {
    const dj = django(version, { SECRET_KEY, DATABASES: { default: sqliteDatabase(file) } });

    test("c.var.session holds Django's session; the change reaches Django", async () => {
      const key = await dj.run<string>(DJANGO_DB_CREATE, { django: 3 });
      const response = await get("/count", key);
      assert.deepEqual(await response.json(), { django: 3, hono: 1 });
      assert.equal(response.headers.get("set-cookie")!.match(COOKIE)![1], key);
      assert.equal(response.headers.get("vary"), "Accept-Encoding, Cookie");
      assert.deepEqual(await dj.run(DJANGO_READ, key), { django: 3, hono: 1 });
    });

    test("a new session is created with Django's cookie", async () => {
      const response = await get("/count");
      const [, key] = response.headers.get("set-cookie")!.match(COOKIE)!;
      assert.deepEqual(await dj.run(DJANGO_READ, key), { hono: 1 });
    });

    test("a route that ignores the session sends no cookie and no Vary", async () => {
      const key = await dj.run<string>(DJANGO_DB_CREATE, { django: 1 });
      const response = await get("/static", key);
      assert.equal(response.headers.get("set-cookie"), null);
      assert.equal(response.headers.get("vary"), null);
    });

    test("logout (flush) on a redirect deletes the row and the cookie", async () => {
      const key = await dj.run<string>(DJANGO_DB_CREATE, { django: 1 });
      const response = await get("/logout", key);
      assert.equal(response.status, 302);
      assert.equal(
        response.headers.get("set-cookie"),
        'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax',
      );
      assert.deepEqual(await dj.run(DJANGO_READ, key), {});
    });

    test("a handler that throws (Hono's onError answers) saves nothing", async () => {
      const key = await dj.run<string>(DJANGO_DB_CREATE, { hono: 5 });
      const response = await get("/fail", key);
      assert.equal(response.status, 500);
      assert.equal(response.headers.get("set-cookie"), null);
      assert.deepEqual(await dj.run(DJANGO_READ, key), { hono: 5 });
    });
  });
}

test("a database that is down answers 503 with the retryAfter option (StoreUnavailable)", async () => {
  const { default: postgres } = await import("postgres");
  const { PostgresBackend } = await import("../../../src/stores/postgres.ts");
  const down = postgres("postgres://postgres@127.0.0.1:1/test", { max: 1, connect_timeout: 2 });
  const app = new Hono<SessionEnv>()
    .use(djangoSession({ backend: new PostgresBackend(down, { SECRET_KEY }), retryAfter: 2 }))
    .get("/", async (c) => c.text(String((await c.var.session.load()).get("n"))));
  const response = await app.request("/", { headers: { cookie: `sessionid=${"a".repeat(32)}` } });
  assert.equal(response.status, 503);
  assert.equal(response.headers.get("retry-after"), "2");
  assert.equal(response.headers.get("set-cookie"), null);
  await down.end();
});
