// The SvelteKit hook through the example app (examples/sveltekit/): svelte-check finds no type
// error in it (`event.locals` typed by its app.d.ts line), `vite build` builds it with
// adapter-node, and the built server, on a port, shares one SQLite file with real Django 3.2, 4.2,
// 5.2 and 6.1 (one server per release, `DJANGO_VERSION` set, on the one build): logins, sessions
// and logouts both ways, form actions' thrown redirect(), the sequence()d login-required hook's
// (Django's redirect_to_login Location) and an endpoint's 401, Django's messages both ways, and
// Django's CSRF tokens and reasons beside SvelteKit's own Origin check.
//
// Registered under Node only: the code under test runs in the built server, a Node child process
// (adapter-node), and the build is a child process too, so the Deno and Bun runners would repeat
// the same build (half a minute on this machine) and the same requests to the same Node server.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  freePort,
  launch,
  type Launched,
  type ServerName,
  svelteKitTool,
} from "../../../examples/_launch.ts";
import { csrfFailureBody } from "../../../src/csrf/mod.ts";
import { closeDjangos, django, DJANGO_VERSIONS, sqliteDatabase } from "../../_django.ts";
import { SECRET_KEY, tempDirectory } from "../../_sqlite.ts";
import { overHttp, type Probe, siteSettings, toDjango, tokenIn, valueOf } from "../csrf/_probe.ts";
import { djangoLocation } from "../auth/_login_redirect.ts";
import { CookieJar } from "../_databases.ts";
import { type Added, djangoCycle } from "../messages/_cycle.ts";
import { INFO, SUCCESS } from "../../../src/messages/mod.ts";

const runtime = globalThis as { Bun?: unknown; Deno?: unknown };
const COOKIE =
  /^sessionid=([a-z0-9]{32}); expires=[^;]+ GMT; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/;
const DELETED =
  'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax';
const PASSWORD = "sveltekit-pw";

const PY_SETUP = `
from django.core.management import call_command
from django.contrib.auth.models import User
call_command("migrate", verbosity=0)
result = User.objects.create_user(args, "", "${PASSWORD}").pk
`;
const PY_AUTH = `
from django.contrib.auth import get_user, login, logout
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
r = RequestFactory().get("/")
r.session = SessionStore(args["key"])
if args.get("do") == "login":
    login(r, User.objects.get(username=args["username"]))
    r.session.save()
if args.get("do") == "logout":
    logout(r)
u = get_user(r)
result = {"key": r.session.session_key, "data": dict(r.session),
          "user": u.username if u.is_authenticated else None}
`;

/** Timings of the two build steps, for the report (they are no assertion). */
function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = Date.now();
  return work().then((value) => ({ value, seconds: (Date.now() - started) / 1000 }));
}

let checked: Promise<{ seconds: number }>;
let built: Promise<{ seconds: number }>;

if (!runtime.Bun && !runtime.Deno) {
  const dir = tempDirectory("sveltekit");
  const file = dir.path("db.sqlite3");

  before(async () => {
    // sync writes the types both read (./$types, app.d.ts's tsconfig); then they run side by side.
    await svelteKitTool("svelte-kit", ["sync"]);
    checked = timed(() => svelteKitTool("svelte-check", ["--tsconfig", "./tsconfig.json"]));
    built = timed(() => svelteKitTool("vite", ["build"]));
    await Promise.allSettled([checked, built]);
  }, { timeout: 600_000 }); // a hang guard: on a loaded machine the two take minutes
  after(async () => {
    await closeDjangos();
    dir.remove();
  });

  describe("the SvelteKit example", () => {
    test("svelte-check finds no error: event.locals is typed by its app.d.ts line", async (t) => {
      t.diagnostic(`svelte-check: ${(await checked).seconds} s`);
    });
    test("vite build builds it with adapter-node", async (t) => {
      t.diagnostic(`vite build: ${(await built).seconds} s`);
    });
  });

  for (const version of DJANGO_VERSIONS) versionCases(version, file);
}

function versionCases(version: (typeof DJANGO_VERSIONS)[number], file: string): void {
  describe(`the built SvelteKit server with Django ${version} on one SQLite file`, () => {
    const site = () =>
      django(
        version,
        siteSettings(version, {
          DATABASES: { default: sqliteDatabase(file) },
          SESSION_ENGINE: "django.contrib.sessions.backends.db",
        }),
      );
    const username = `kit-${version}`;
    let server: Launched;
    let port = 0;

    before(async () => {
      await built;
      await site().run(PY_SETUP, username);
      port = await freePort();
      server = await launch(["sveltekit"], { sveltekit: port } as Record<ServerName, number>, {
        SVELTEKIT_PORT: String(port),
        SQLITE_PATH: file,
        DATABASE_URL: "",
        DJANGO_SECRET_KEY: SECRET_KEY,
        DJANGO_VERSION: version,
      });
    }, { timeout: 60_000 });
    after(() => server?.stop());

    const origin = () => `http://127.0.0.1:${port}`;
    const send = (path: string, init: RequestInit = {}) =>
      overHttp(port)(new Request(origin() + path, init));
    const post = (path: string, cookie: string, form: Record<string, string>, headers = {}) =>
      send(path, {
        method: "POST",
        headers: { cookie, origin: origin(), ...headers },
        body: new URLSearchParams(form),
      });
    const auth = (what: Record<string, unknown>) =>
      site().run<{ key: string | null; data: Record<string, unknown>; user: string | null }>(
        PY_AUTH,
        { key: null, ...what },
      );
    const cookies = (response: Response) =>
      Object.fromEntries(
        response.headers.getSetCookie().map((c) => [c.slice(0, c.indexOf("=")), c]),
      );
    const userOn = async (response: Response) =>
      /<span id="user">([^<]*)<\/span>/.exec(await response.text())?.[1];
    /** A form page's token and the `csrftoken` cookie that goes with it. */
    const formOf = async (path: string, cookie = "") => {
      const page = await send(path, { headers: { cookie } });
      const csrf = cookies(page).csrftoken;
      return { token: tokenIn(await page.text()), cookie: csrf ? csrf.split(";")[0] : cookie };
    };

    test("Django logs in → the load function and the sequence()d hook see the user", async () => {
      const { key } = await auth({ do: "login", username });
      const cookie = `sessionid=${key}`;
      const page = await send("/", { headers: { cookie } });
      assert.equal(await userOn(page), username);
      const account = await send("/account", { headers: { cookie } });
      assert.equal(account.status, 200);
      assert.equal(await userOn(account), username);
      assert.deepEqual((await auth({ key })).data.visits_sveltekit, 1);
    });

    test("SvelteKit writes a new session with Django's cookie → Django reads it", async () => {
      const first = await send("/");
      const [, key] = cookies(first).sessionid.match(COOKIE)!;
      assert.equal(first.headers.get("vary"), "Cookie");
      assert.deepEqual((await auth({ key })).data, { visits_sveltekit: 1 });
      await send("/", { headers: { cookie: `sessionid=${key}` } });
      assert.deepEqual((await auth({ key })).data, { visits_sveltekit: 2 });
    });

    test("loginRequired in a hook after djangoSession: Django's redirect, committed", async () => {
      const response = await send("/account");
      assert.equal(response.status, 302);
      const host = `127.0.0.1:${port}`;
      assert.equal(
        response.headers.get("location"),
        await djangoLocation({ path: "/account", login: "/login", host }),
      );
      // The guard read the (empty) session through user(): Django's Vary, no cookie to set.
      assert.equal(response.headers.get("vary"), "Cookie");
      assert.equal(response.headers.get("set-cookie"), null);
    });

    test("loginRequired({ api: true }) in an endpoint: 401, and Django's login passes", async () => {
      assert.equal((await send("/api/me")).status, 401);
      const { key } = await auth({ do: "login", username });
      const response = await send("/api/me", { headers: { cookie: `sessionid=${key}` } });
      assert.deepEqual(await response.json(), { user: username });
    });

    test("a message SvelteKit adds shows in Django's get_messages; Django's is listed here", async () => {
      const storage = "django.contrib.messages.storage.fallback.FallbackStorage";
      const jar = new CookieJar();
      const theirs = (read: boolean, add: Added[] = []) =>
        djangoCycle(site(), storage, jar, read, add);
      const form = await formOf("/login");
      jar.take([form.cookie]);
      const added = await post("/messages", jar.header(), { csrfmiddlewaretoken: form.token });
      assert.equal(await added.text(), "added");
      jar.take(added.headers.getSetCookie());
      assert.deepEqual(await theirs(true), [
        [SUCCESS, "Saved from SvelteKit", "sveltekit", "sveltekit success", false],
      ]);
      await theirs(false, [[INFO, "From Django", "dj", false]]);
      const listed = await send("/messages", { headers: { cookie: jar.header() } });
      assert.deepEqual(await listed.json(), [[INFO, "From Django", "dj", "dj info", false]]);
      jar.take(listed.headers.getSetCookie());
      assert.deepEqual(await theirs(true), []);
    });

    test("the login action's thrown redirect() saves the login and sets the cookies", async () => {
      const form = await formOf("/login");
      const fields = { csrfmiddlewaretoken: form.token, username, password: PASSWORD };
      const response = await post("/login", form.cookie, fields, { accept: "text/html" });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get("location"), "/");
      const set = cookies(response);
      const [, key] = set.sessionid.match(COOKIE)!;
      // login() rotated the CSRF secret, as Django's does: the new cookie left with the redirect.
      assert.notEqual(valueOf(set.csrftoken), valueOf(form.cookie));
      assert.equal((await auth({ key })).user, username);
    });

    test("the same action through use:enhance (SvelteKit's JSON redirect) commits too", async () => {
      const form = await formOf("/login");
      const fields = { csrfmiddlewaretoken: form.token, username, password: PASSWORD };
      const response = await post("/login", form.cookie, fields, {
        accept: "application/json",
        "x-sveltekit-action": "true",
      });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { type: "redirect", status: 303, location: "/" });
      const [, key] = cookies(response).sessionid.match(COOKIE)!;
      assert.equal((await auth({ key })).user, username);
    });

    test("SvelteKit logs out (POST with the page's token) → Django sees no user", async () => {
      const { key } = await auth({ do: "login", username });
      const form = await formOf("/", `sessionid=${key}`);
      const response = await post("/logout", `sessionid=${key}; ${form.cookie}`, {
        csrfmiddlewaretoken: form.token,
      });
      assert.equal(response.status, 200);
      assert.equal(cookies(response).sessionid, DELETED);
      assert.deepEqual(await auth({ key }), { key: null, data: {}, user: null });
    });

    test("Django logs out → SvelteKit shows anonymous", async () => {
      const { key } = await auth({ do: "login", username });
      const cookie = `sessionid=${key}`;
      assert.equal(await userOn(await send("/", { headers: { cookie } })), username);
      await auth({ do: "logout", key });
      assert.equal(await userOn(await send("/", { headers: { cookie } })), "anonymous");
    });

    test("Django's rendered token passes; forged ones get Django's reason", async () => {
      const page = await toDjango(site(), { method: "GET", path: "/form/" });
      const cookie = `csrftoken=${valueOf(page.cookies.csrftoken)}`;
      const good = await post("/logout", cookie, { csrfmiddlewaretoken: tokenIn(page.body) });
      assert.equal(good.status, 200);
      const forged: [string, Record<string, string>][] = [
        [cookie, { csrfmiddlewaretoken: "a".repeat(64) }],
        ["", {}],
      ];
      for (const [sent, fields] of forged) {
        const probe: Probe = {
          method: "POST",
          path: "/protected/",
          headers: { cookie: sent, origin: "http://testserver" },
          body: new URLSearchParams(fields).toString(),
          contentType: "application/x-www-form-urlencoded",
        };
        const theirs = await toDjango(site(), probe);
        assert.equal(theirs.status, 403);
        const mine = await post("/logout", sent, fields);
        assert.equal(mine.status, 403);
        assert.equal(await mine.text(), csrfFailureBody(theirs.reason!));
      }
    });

    test("SvelteKit refuses a cross-site form first; Django checks what it lets through", async () => {
      const form = await formOf("/");
      const evil = { origin: "http://evil.example" };
      const fields = { csrfmiddlewaretoken: form.token };
      const crossForm = await post("/logout", form.cookie, fields, evil);
      assert.equal(crossForm.status, 403);
      assert.equal(await crossForm.text(), "Cross-site POST form submissions are forbidden");
      // Not a form: SvelteKit lets it pass, Django's check answers as Django does.
      const headers = { cookie: form.cookie, "x-csrftoken": form.token, ...evil };
      const contentType = "application/json";
      const json = await send("/logout", {
        method: "POST",
        headers: { ...headers, "content-type": contentType },
        body: "{}",
      });
      const theirs = await toDjango(site(), {
        method: "POST",
        path: "/protected/",
        headers,
        body: "{}",
        contentType,
      });
      assert.equal(json.status, theirs.status);
      if (theirs.status === 403) assert.equal(await json.text(), csrfFailureBody(theirs.reason!));
    });
  });
}
