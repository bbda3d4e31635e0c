// The Oak middleware through Oak listening on a port, on the servers of the runtime running this
// file: Deno runs it on `Deno.serve` (Oak's `app.handle`, as the JSR build's native server does) and
// on Oak's own default there (the npm build picks its Node server under Deno), Bun on Oak's Bun
// server, Node on Oak's Node server. On each: the shared cases of the mutable-response adapters
// (tests/interop/adapters/_node_frameworks.ts: Django 3.2–6.1 on one PostgreSQL schema and one SQLite
// file, Set-Cookie/Vary byte for byte against Django's SessionMiddleware), exempt from CSRF as they
// are about the session; then CSRF, login and messages against real Django on one SQLite file.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Application, Router } from "@oakserver/oak";
import { djangoSession, loginRequired } from "../../../src/adapters/oak.ts";
import { authenticate, getUser, login, sqliteUsers } from "../../../src/auth/mod.ts";
import { csrfFailureBody } from "../../../src/csrf/commit.ts";
import { INFO, SUCCESS } from "../../../src/messages/mod.ts";
import type { SessionBackend } from "../../../src/session/backend.ts";
import type { Session } from "../../../src/session/session.ts";
import { SqliteBackend } from "../../../src/stores/sqlite.ts";
import { freePort, listening as accepting } from "../../../examples/_launch.ts";
import {
  closeDjangos,
  django,
  DJANGO_VERSIONS,
  type DjangoVersion,
  sqliteDatabase,
} from "../../_django.ts";
import { openSqlite, SECRET_KEY, tempDirectory, type TestDatabase } from "../../_sqlite.ts";
import { CookieJar } from "../_databases.ts";
import { pair, siteSettings, toDjango, tokenIn } from "../csrf/_probe.ts";
import { type Added, djangoCycle } from "../messages/_cycle.ts";
import { djangoLocation } from "../auth/_login_redirect.ts";
import { nodeFrameworkCases, pageError, type PageHandler } from "./_node_frameworks.ts";

// deno-lint-ignore no-explicit-any
type AnyApplication = Application<any>;
type Stop = () => Promise<void>;
/** Serves `app` on `127.0.0.1:port` with one of Oak's servers. */
type Start = (app: AnyApplication, port: number) => Promise<Stop>;

type DenoServe = (
  options: { port: number; hostname: string; onListen(): void },
  handler: (request: Request) => Promise<Response>,
) => { shutdown(): Promise<void> };
const runtime = globalThis as { Deno?: { serve: DenoServe }; Bun?: unknown };

/** `app.listen()`: Oak's own server for this runtime (Node's, Bun's; Node's again on npm-Deno). */
const oakServer: Start = async (app, port) => {
  const controller = new AbortController();
  const listening = new Promise((resolve) => app.addEventListener("listen", resolve));
  app.listen({ port, hostname: "127.0.0.1", signal: controller.signal });
  await listening;
  // Oak announces "listen" once it has asked to listen; Deno's `node:http` binds a moment later.
  while (!(await accepting(port))) await new Promise((resolve) => setTimeout(resolve, 10));
  return async () => {
    controller.abort();
    // Oak stops its server after the next request once aborted (Bun's keeps listening until then).
    await fetch(`http://127.0.0.1:${port}/`).then((r) => r.body?.cancel(), () => {});
  };
};

/** `Deno.serve` with `app.handle`, the npm build's answer turned into Deno's own `Response`. */
const denoServe: Start = (app, port) => {
  const server = runtime.Deno!.serve({ port, hostname: "127.0.0.1", onListen() {} }, async (
    request,
  ) => {
    // The npm build types (and builds) its requests and responses as undici's.
    const response = await app.handle(
      request as unknown as Parameters<AnyApplication["handle"]>[0],
    );
    if (!response) return new Response(null, { status: 500 });
    return new Response(response.body as BodyInit | null, response as unknown as Response);
  });
  return Promise.resolve(() => server.shutdown());
};

const SERVERS: Record<string, Start> = runtime.Deno
  ? { Oak_DenoServe: denoServe, Oak_NodeServer: oakServer }
  : { [runtime.Bun ? "Oak_BunServer" : "Oak_NodeServer"]: oakServer };

/** The shared pages under Oak (CSRF-exempt: these cases are about the session's commit). */
function pagesApp(
  backend: SessionBackend,
  user: (session: Session) => Promise<unknown>,
  pages: Record<string, PageHandler>,
): AnyApplication {
  const app = new Application({ logErrors: false });
  return app.use(djangoSession({ backend, user, csrfExempt: () => true })).use(async (ctx) => {
    const { pathname, searchParams } = ctx.request.url;
    const page = await pages[pathname]?.(ctx.state.session, ctx.state.user, searchParams);
    if (!page) return;
    if (page.fail) throw pageError(page);
    if (page.vary) ctx.response.headers.set("vary", page.vary);
    if (page.redirect) return ctx.response.redirect(page.redirect);
    ctx.response.status = page.status ?? 200;
    ctx.response.body = page.stream ? ReadableStream.from(page.stream) : page.json as object;
  });
}

const SESSION_STORAGE = "django.contrib.messages.storage.session.SessionStorage";
const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** The app of the CSRF, login and messages cases: each POST is CSRF-protected. */
function siteApp(db: TestDatabase, version: DjangoVersion): AnyApplication {
  const backend = new SqliteBackend(db, {
    SECRET_KEY,
    djangoVersion: version,
    MESSAGE_STORAGE: SESSION_STORAGE,
  });
  const users = sqliteUsers(db);
  const orders = new Router().get("/orders/", loginRequired(), (ctx) => {
    ctx.response.body = "orders";
  });
  const app = new Application({ logErrors: false })
    .use(djangoSession({ backend, user: (session) => getUser(session, users) }));
  app.use(orders.routes()); // not chained: a `Router`'s default state would widen the app's
  app.use(async (ctx) => {
    const { body, url, method } = ctx.request;
    const route = `${method} ${url.pathname}`;
    if (route === "GET /token") ctx.response.body = ctx.state.csrfToken();
    if (route === "GET /me") {
      ctx.response.body = { user: (await ctx.state.user())?.username ?? null };
    }
    if (route === "POST /echo") {
      const type = body.type();
      if (type === "json") return void (ctx.response.body = await body.json());
      const form = type === "form" ? await body.form() : await body.formData();
      ctx.response.body = { note: form.get("note") };
    }
    if (route === "POST /login") {
      const form = await body.form();
      const { session } = ctx.state;
      const user = await authenticate(session, users, form.get("username"), form.get("password"));
      if (user) await login(session, user, users);
      ctx.response.redirect(user ? "/" : "/token");
    }
    if (route === "POST /message") {
      ctx.state.messages.success("Saved from Oak", { extraTags: "oak" });
      ctx.response.body = "added";
    }
    if (route === "GET /messages") {
      ctx.response.body = (await ctx.state.messages.list()).map((m) => [m.level, m.message]);
    }
  });
  return app;
}

const PY_USER = `
from django.contrib.auth import get_user, logout
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
r = RequestFactory().get("/")
r.session = SessionStore(args["key"])
if args["logout"]:
    logout(r)
u = get_user(r)
result = u.username if u.is_authenticated else None
`;

const PY_SETUP = `
from django.core.management import call_command
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
call_command("migrate", verbosity=0)
User.objects.create(username="alice", password=make_password("pw", hasher="pbkdf2_sha256"))
`;

function interopCases(server: string, start: Start): void {
  const dir = tempDirectory(`oak-${server}`.toLowerCase());
  const file = dir.path("db.sqlite3");
  const settings = {
    SECRET_KEY,
    DATABASES: { default: sqliteDatabase(file) },
    INSTALLED_APPS: [
      "django.contrib.contenttypes",
      "django.contrib.auth",
      "django.contrib.sessions",
      "django.contrib.messages",
    ],
  };
  let db: TestDatabase;
  before(async () => {
    await django("5.2", settings).run(PY_SETUP);
    db = await openSqlite(file);
  });
  after(() => (db.close(), dir.remove()));
  for (const version of DJANGO_VERSIONS) {
    describe(`${server}: CSRF, login and messages with Django ${version} on one SQLite file`, () => {
      const dj = () => django(version, settings);
      const site = () =>
        django(
          version,
          siteSettings(version, {
            DATABASES: settings.DATABASES,
            SESSION_ENGINE: "django.contrib.sessions.backends.db",
          }),
        );
      let url = "";
      let stop: Stop;
      before(async () => {
        const port = await freePort();
        stop = await start(siteApp(db, version), port);
        url = `http://127.0.0.1:${port}`;
      });
      after(() => stop());
      const send = async (jar: CookieJar, path: string, init: RequestInit = {}) => {
        const headers = { cookie: jar.header(), origin: url, ...init.headers };
        const response = await fetch(url + path, { redirect: "manual", ...init, headers });
        jar.take(response.headers.getSetCookie());
        return response;
      };
      const post = (jar: CookieJar, path: string, fields: Record<string, string>) =>
        send(jar, path, { method: "POST", headers: FORM, body: new URLSearchParams(fields) });
      const ourToken = async (jar: CookieJar) => await (await send(jar, "/token")).text();

      test("a token Django rendered passes (form or header); the handler still reads the body", async () => {
        const page = await toDjango(site(), { method: "GET", path: "/form/" });
        const jar = new CookieJar();
        jar.take([pair(page.cookies.csrftoken)]);
        const csrfmiddlewaretoken = tokenIn(page.body);
        const urlencoded = await post(jar, "/echo", { csrfmiddlewaretoken, note: "urlencoded" });
        assert.deepEqual(await urlencoded.json(), { note: "urlencoded" });
        const multipart = new FormData();
        multipart.set("csrfmiddlewaretoken", csrfmiddlewaretoken);
        multipart.set("note", "multipart");
        const response = await send(jar, "/echo", { method: "POST", body: multipart });
        assert.deepEqual(await response.json(), { note: "multipart" });
        const json = await send(jar, "/echo", {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrftoken": csrfmiddlewaretoken },
          body: JSON.stringify({ note: "json" }),
        });
        assert.deepEqual(await json.json(), { note: "json" });
      });

      test("a forged or missing token is refused with Django's reason", async () => {
        const page = await toDjango(site(), { method: "GET", path: "/form/" });
        const cookie = pair(page.cookies.csrftoken);
        for (const body of [`csrfmiddlewaretoken=${"A".repeat(64)}&note=x`, "note=x"]) {
          const theirs = await toDjango(site(), {
            method: "POST",
            path: "/protected/",
            headers: { cookie, origin: "http://testserver" },
            body,
            contentType: FORM["content-type"],
          });
          const jar = new CookieJar();
          jar.take([cookie]);
          const ours = await send(jar, "/echo", { method: "POST", headers: FORM, body });
          assert.equal(ours.status, 403);
          assert.equal(await ours.text(), csrfFailureBody(theirs.reason!));
        }
      });

      test("Oak logs in (a redirect that saves): Django sees the user; Django logs out", async () => {
        const jar = new CookieJar();
        const guarded = await send(jar, "/orders/");
        assert.equal(
          guarded.headers.get("location"),
          await djangoLocation({ path: "/orders/", login: "/accounts/login/" }),
        );
        const csrfmiddlewaretoken = await ourToken(jar);
        const before = jar.get("csrftoken");
        const response = await post(jar, "/login", {
          csrfmiddlewaretoken,
          username: "alice",
          password: "pw",
        });
        assert.equal(response.status, 302);
        assert.equal(response.headers.get("location"), "/");
        assert.notEqual(jar.get("csrftoken"), before); // rotated, as Django's login() does
        const key = jar.get("sessionid")!;
        assert.equal(await dj().run(PY_USER, { key, logout: false }), "alice");
        assert.equal(await (await send(jar, "/orders/")).text(), "orders");
        await dj().run(PY_USER, { key, logout: true });
        assert.deepEqual(await (await send(jar, "/me")).json(), { user: null });
      });

      test("a message added in Oak is shown by Django, one added by Django listed in Oak", async () => {
        const jar = new CookieJar();
        assert.equal(
          await (await post(jar, "/message", { csrfmiddlewaretoken: await ourToken(jar) })).text(),
          "added",
        );
        const django = (add: Added[]) =>
          djangoCycle(dj(), SESSION_STORAGE, jar, add.length === 0, add);
        assert.deepEqual(await django([]), [[
          SUCCESS,
          "Saved from Oak",
          "oak",
          "oak success",
          false,
        ]]);
        await django([[INFO, "From Django", "", false]]);
        assert.deepEqual(await (await send(jar, "/messages")).json(), [[INFO, "From Django"]]);
        assert.deepEqual(await (await send(jar, "/messages")).json(), []);
      });
    });
  }
}

after(closeDjangos);
for (const [server, start] of Object.entries(SERVERS)) {
  nodeFrameworkCases(
    server,
    (backend, user, pages, port) =>
      start(pagesApp(backend, user, pages), port).then((close) => ({ close })),
  );
  interopCases(server, start);
}
