/**
 * Issue 5, point 4: the request's Django user through `withSession` (`ctx.user()`) and the Hono
 * middleware (`c.var.user()`), Request → Response, on a SQLite file Django 3.2/4.2/5.2 share:
 * Django's login shows on our pages, our login form logs in to Django, our logout logs out of it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { authenticate } from "../../../src/auth/authenticate.ts";
import { getUser } from "../../../src/auth/get_user.ts";
import { login, logout } from "../../../src/auth/login.ts";
import type { DjangoUser } from "../../../src/auth/user_model.ts";
import { sqliteUsers } from "../../../src/auth/user_sources.ts";
import { ImproperlyConfigured } from "../../../src/errors.ts";
import { csrfExempt, djangoSession, type SessionEnv } from "../../../src/adapters/hono.ts";
import type { UserLoader } from "../../../src/http/with_session.ts";
import { withSession } from "../../../src/adapters/fetch.ts";
import type { Session } from "../../../src/session/session.ts";
import type { SqliteDatabase } from "../../../src/stores/sqlite_driver.ts";
import { SqliteBackend } from "../../../src/stores/sqlite.ts";
import { closeDjangos, django, DJANGO_VERSIONS, sqliteDatabase } from "../../_django.ts";
import { openSqlite, tempDirectory, type TestDatabase } from "../../_sqlite.ts";
import { DJ, type DjangoSees, SECRET_KEY } from "./_cases.ts";

const temp = tempDirectory("auth-http");
const file = temp.path("db.sqlite3");
const DATABASES = { default: sqliteDatabase(file) };
let lookups = 0;
await django("5.2", { DATABASES }).run(`from django.core.management import call_command
call_command("migrate", verbosity=0)`);
const db: TestDatabase = await openSqlite(file);
after(async () => {
  await closeDjangos();
  db.close();
  temp.remove();
});

/** The connection, counting the statements the user source steps. */
function counting(inner: SqliteDatabase): SqliteDatabase {
  return {
    prepare(sql) {
      const statement = inner.prepare(sql);
      return {
        get: (...p) => (lookups++, statement.get(...p)),
        run: statement.run.bind(statement),
      };
    },
  };
}

/** One set of pages, mounted on both adapters: the same answers prove the same behaviour. */
async function page(
  request: Request,
  session: Session,
  user: () => Promise<DjangoUser | null>,
): Promise<Response> {
  const users = sqliteUsers(counting(db));
  const path = new URL(request.url).pathname;
  if (path === "/static") return new Response("no user needed");
  if (path === "/twice") await user();
  if (path === "/login") {
    const form = await request.formData();
    const found = await authenticate(
      session,
      users,
      String(form.get("username")),
      String(form.get("password")),
    );
    if (!found) return new Response("bad credentials", { status: 403 });
    await login(session, found, users);
  }
  if (path === "/logout") await logout(session);
  return Response.json({ user: (await user())?.username ?? null });
}

function adapters(loader: UserLoader<DjangoUser> | undefined, djangoVersion: string) {
  const backend = new SqliteBackend(db, { SECRET_KEY, djangoVersion });
  const wrapped = withSession<Record<string, unknown>, [], DjangoUser>(
    // These tests are about the user; CSRF has its own (tests/interop/csrf/).
    { backend, user: loader, csrfExempt: () => true },
    (request, { session, user }) => page(request, session, user),
  );
  const app = new Hono<SessionEnv<Record<string, unknown>, DjangoUser>>();
  app.use(djangoSession({ backend, user: loader }));
  app.onError((error, c) => c.text(error.name, 500));
  app.all("*", csrfExempt, (c) => page(c.req.raw, c.var.session, c.var.user));
  return { withSession: wrapped, Hono: (request: Request) => app.request(request) };
}

/** The session cookie among the response's (login() also rotates the CSRF cookie). */
const sessionSetCookie = (response: Response) =>
  response.headers.getSetCookie().find((c) => c.startsWith("sessionid=")) ?? "";
const cookieOf = (response: Response) =>
  /^sessionid=([a-z0-9]{32});/.exec(sessionSetCookie(response))?.[1] ?? null;

function get(path: string, key?: string | null, body?: FormData): Request {
  return new Request(`http://test${path}`, {
    method: body ? "POST" : "GET",
    headers: key ? { cookie: `sessionid=${key}` } : {},
    body,
  });
}

for (const version of DJANGO_VERSIONS) {
  const dj = () => django(version, { SECRET_KEY, DATABASES });
  const users = sqliteUsers(counting(db));
  const apps = adapters((session) => getUser(session, users), version);

  for (const adapter of ["withSession", "Hono"] as const) {
    describe(`Django ${version}: the user through ${adapter}`, () => {
      const serve = (request: Request) => apps[adapter](request);
      let username: string;
      before(async () => {
        username = `${adapter}-${version}-${crypto.randomUUID().slice(0, 6)}`;
        await dj().run(DJ.createUser, { username, password: "pw" });
      });

      test("Django logs in → our page shows the user, looked up once, only when asked", async () => {
        const key = await dj().run<string>(DJ.login, { username });
        const start = lookups;
        assert.equal(await (await serve(get("/static", key))).text(), "no user needed");
        assert.equal(lookups, start);
        assert.deepEqual(await (await serve(get("/twice", key))).json(), { user: username });
        assert.equal(lookups, start + 1);
        assert.deepEqual(await (await serve(get("/me"))).json(), { user: null });
      });

      test("our login form logs in to Django; our logout logs out of it", async () => {
        const form = new FormData();
        form.set("username", username);
        form.set("password", "wrong");
        assert.equal((await serve(get("/login", null, form))).status, 403);
        form.set("password", "pw");
        const loggedIn = await serve(get("/login", null, form));
        assert.deepEqual(await loggedIn.json(), { user: username });
        const key = cookieOf(loggedIn);
        assert.ok(key);
        const seen = await dj().run<DjangoSees>(DJ.getUser, key);
        assert.equal(seen.user, username);
        const loggedOut = await serve(get("/logout", key));
        assert.deepEqual(await loggedOut.json(), { user: null });
        assert.match(sessionSetCookie(loggedOut), /^sessionid=""; expires=Thu, 01 Jan 1970/);
        assert.deepEqual(await dj().run<DjangoSees>(DJ.getUser, key), {
          user: null,
          key: null,
          exists: false,
          data: {},
        });
      });
    });
  }
}

test("user() without a `user` option rejects with ImproperlyConfigured, on both adapters", async () => {
  const apps = adapters(undefined, "5.2");
  await assert.rejects(apps.withSession(get("/me")), ImproperlyConfigured);
  const response = await apps.Hono(get("/me"));
  assert.equal(response.status, 500);
  assert.equal(await response.text(), "ImproperlyConfigured");
});
