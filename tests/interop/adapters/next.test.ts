// The Next.js example (examples/next) built once with `next build` — which type-checks the app and
// the library, so a route handler whose types Next rejects fails here — then `next start` on a port,
// with real Django on the same SQLite file: Django's login seen by a Server Component and a route
// handler, a Server Action's write read by Django, logout on either side, the Server Action's
// cookie against Django's own, Django's CSRF token in a route handler, Django's messages
// (SessionStorage) both ways — Django's shown once by the Server Component (proxy.ts takes them
// for its render), a Server Action's and a route handler's shown by Django's get_messages — and
// login_required in proxy.ts and in route handlers, answering Django's redirect_to_login.
//
// Registered under Node only: it builds and runs Next's Node server itself, so running it from the
// Deno and Bun runners would only repeat the same build.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEMO_USER } from "../../../examples/_config.ts";
import {
  djangoRuntime,
  freePort,
  launch,
  type Launched,
  migrate,
  type ServerName,
} from "../../../examples/_launch.ts";
import {
  closeDjangos,
  django,
  DJANGO_AUTH,
  DJANGO_DB_LOAD,
  DJANGO_VERSIONS,
  sqliteDatabase,
} from "../../_django.ts";
import { tempDirectory } from "../../_sqlite.ts";
import { CYCLE, type Seen } from "../messages/_cycle.ts";
import { djangoLocation } from "../auth/_login_redirect.ts";

const runtime = globalThis as { Bun?: unknown; Deno?: unknown };
const SECRET_KEY = "django-insecure-next-test";
const NEWEST = DJANGO_VERSIONS[DJANGO_VERSIONS.length - 1];
/** The app's and Django's `MESSAGE_STORAGE`: the one a Server Action can store messages in. */
const SESSION_STORAGE = "django.contrib.messages.storage.session.SessionStorage";

/** Django's SessionMiddleware on a first visit whose view writes: its Set-Cookie. */
const PY_NEW_SESSION_COOKIE = `
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
def view(request):
    request.session["visits_next"] = 1
    return HttpResponse()
result = SessionMiddleware(view)(RequestFactory().get("/")).cookies["sessionid"].OutputString()
`;

/** Django's get_token through CsrfViewMiddleware: the form token and the cookie it sets. */
const PY_TOKEN = `
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.http import HttpResponse
from django.test import RequestFactory
response = CsrfViewMiddleware(lambda request: HttpResponse(get_token(request)))(RequestFactory().get("/"))
result = {"token": response.content.decode(), "cookie": response.cookies["csrftoken"].value}
`;

/** Django's CsrfViewMiddleware on a form POST: its reason to refuse, or None. */
const PY_CSRF_REASON = `
from django.middleware.csrf import CsrfViewMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
r = RequestFactory().post("/logout", {"csrfmiddlewaretoken": args["token"]},
                          HTTP_ORIGIN=args["origin"], HTTP_HOST=args["host"])
r.COOKIES["csrftoken"] = args["cookie"]
middleware = CsrfViewMiddleware(lambda request: HttpResponse())
middleware._reject = lambda request, reason: reason
result = middleware.process_view(r, lambda request: None, (), {})
`;

/** Django's signed_cookies engine loading a cookie value: the session's data. */
const PY_SIGNED_LOAD = `
from django.contrib.sessions.backends.signed_cookies import SessionStore
result = dict(SessionStore(session_key=args["key"]).load())
`;

/** Django's signed_cookies engine writing a session: the cookie value. */
const PY_SIGNED_SAVE = `
from django.contrib.sessions.backends.signed_cookies import SessionStore
store = SessionStore()
store["visits_edge"] = args["visits"]
store.save()
result = store.session_key
`;

/** A `Set-Cookie` line's attributes: lowercase names (RFC 6265 §5.2) → values. */
function attributes(line: string): Record<string, string> {
  const pairs = line.split("; ").slice(1).map((part) => {
    const eq = part.indexOf("=");
    return eq < 0
      ? [part.toLowerCase(), ""]
      : [part.slice(0, eq).toLowerCase(), part.slice(eq + 1)];
  });
  return Object.fromEntries(pairs.sort(([a], [b]) => (a < b ? -1 : 1)));
}

const cookieOf = (response: Response, name: string) =>
  response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
const valueOf = (line: string | undefined) => line?.split(";")[0].split("=")[1];

if (!runtime.Bun && !runtime.Deno) {
  describe("Next.js 16: the example app built and started, real Django on its SQLite file", () => {
    const dir = tempDirectory("next");
    const file = dir.path("db.sqlite3");
    const ports = {} as Record<ServerName, number>;
    let server: Launched;
    let url = "";
    let buildAndStart = 0;
    const djangoSettings = {
      SECRET_KEY,
      ALLOWED_HOSTS: ["*"],
      DATABASES: { default: sqliteDatabase(file) },
    };
    const dj = (version: (typeof DJANGO_VERSIONS)[number] = NEWEST) =>
      django(version, djangoSettings);
    const get = (path: string, cookie = "") =>
      fetch(url + path, { redirect: "manual", headers: cookie ? { cookie } : {} });
    const userOnPage = async (cookie: string) =>
      /<span id="user">([^<]*)<\/span>/.exec(await (await get("/", cookie)).text())![1];
    /** Presses a button of "/" (a Server Action, its form posted without JS). */
    const press = async (button: string, cookie = "") => {
      const page = await (await get("/", cookie)).text();
      const html = page.split("<form").find((part) => part.includes(`id="${button}"`))!;
      const field = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(html)![1];
      const form = new FormData();
      form.set(field, "");
      return await fetch(url + "/", {
        method: "POST",
        redirect: "manual",
        headers: { origin: url, ...(cookie ? { cookie } : {}) },
        body: form,
      });
    };
    const countVisit = (cookie = "") => press("count", cookie);
    /** The messages "/" shows: [class, text]. */
    const shownOnPage = async (cookie: string) =>
      [...(await (await get("/", cookie)).text()).matchAll(/<li class="([^"]*)">([^<]*)<\/li>/g)]
        .map(([, tags, text]) => [tags, text]);
    /** One Django request on the session `key` (SessionStorage): what get_messages listed. */
    const djangoMessages = async (
      version: (typeof DJANGO_VERSIONS)[number],
      key: string,
      add: [number, string, string, boolean][] = [],
    ) =>
      (await dj(version).run<{ seen: Seen[] }>(CYCLE, {
        storage: SESSION_STORAGE,
        cookie: `sessionid=${key}`,
        read: add.length === 0,
        add,
      })).seen;
    const login = async (version: (typeof DJANGO_VERSIONS)[number], username: string) =>
      `sessionid=${
        (await dj(version).run<{ key: string }>(DJANGO_AUTH, { do: "login", key: null, username }))
          .key
      }`;
    const postLogout = (cookie: string, token: string) =>
      fetch(url + "/logout", {
        method: "POST",
        redirect: "manual",
        headers: { cookie, origin: url },
        body: new URLSearchParams({ csrfmiddlewaretoken: token }),
      });

    before(async () => {
      const started = Date.now();
      ports.next = await freePort();
      url = `http://127.0.0.1:${ports.next}`;
      const env = {
        DJANGO_SECRET_KEY: SECRET_KEY,
        SQLITE_PATH: file,
        DATABASE_URL: "",
        DJANGO_MESSAGE_STORAGE: SESSION_STORAGE,
        ...djangoRuntime(NEWEST),
      };
      migrate(env); // Django's tables and the demo user
      server = await launch(["next"], ports, env);
      buildAndStart = Date.now() - started;
      console.log(`next build + next start: ${(buildAndStart / 1000).toFixed(1)} s`);
    }, { timeout: 300_000 });
    after(async () => {
      await server?.stop();
      await closeDjangos();
      dir.remove();
    });

    for (const version of DJANGO_VERSIONS) {
      test(`Django ${version} logs in → the Server Component and a route handler see the user; Django logs out → anonymous`, async () => {
        const username = `next-${version}-${crypto.randomUUID().slice(0, 6)}`;
        const { key } = await dj(version).run<{ key: string }>(DJANGO_AUTH, {
          do: "login",
          key: null,
          username,
        });
        const cookie = `sessionid=${key}`;
        assert.equal(await userOnPage(cookie), username);
        const api = await (await get("/api/visits/django", cookie)).json();
        assert.deepEqual(api, { user: username, name: "django", visits: null });
        await dj(version).run(DJANGO_AUTH, { do: "logout", key });
        assert.equal(await userOnPage(cookie), "anonymous");
      });

      test(`Django ${version}'s message shows once in the Server Component (proxy.ts takes it)`, async () => {
        const cookie = await login(version, `flash-${version}`);
        const key = cookie.slice(10);
        await djangoMessages(version, key, [[25, `From Django ${version}`, "dj", false]]);
        assert.deepEqual(await shownOnPage(cookie), [["dj success", `From Django ${version}`]]);
        assert.deepEqual(await shownOnPage(cookie), []); // consumed, as after a Django page
        assert.deepEqual(await djangoMessages(version, key), []);
      });

      test(`a Server Action's message shows in Django ${version}'s get_messages`, async () => {
        const cookie = await login(version, `leaves-${version}`);
        assert.equal((await press("leave", cookie)).status, 200);
        assert.deepEqual(await djangoMessages(version, cookie.slice(10)), [
          [25, "Left by a Next Server Action", "next", "next success", false],
        ]);
        assert.deepEqual(await shownOnPage(cookie), []); // Django listed it
      });

      test(`a Server Action's message shows on the next page, once, not in Django ${version}`, async () => {
        const cookie = await login(version, `shows-${version}`);
        assert.equal((await press("leave", cookie)).status, 200);
        assert.deepEqual(await shownOnPage(cookie), [[
          "next success",
          "Left by a Next Server Action",
        ]]);
        assert.deepEqual(await shownOnPage(cookie), []);
        assert.deepEqual(await djangoMessages(version, cookie.slice(10)), []);
      });

      test(`a Server Action counts in the session Django ${version} reads`, async () => {
        const key = (await dj(version).run<{ key: string }>(DJANGO_AUTH, {
          do: "login",
          key: null,
          username: `counter-${version}`,
        })).key;
        const response = await countVisit(`sessionid=${key}`);
        assert.equal(response.status, 200);
        assert.equal(valueOf(cookieOf(response, "sessionid")), key);
        const [data] = await dj(version).run<[Record<string, unknown>]>(DJANGO_DB_LOAD, key);
        assert.equal(data.visits_next, 1);
      });
    }

    test("a route handler on the Edge runtime shares a signed-cookie session with Django", async () => {
      const first = await get("/api/edge");
      assert.deepEqual(await first.json(), { visits: 1, runtime: "edge" });
      const ours = valueOf(cookieOf(first, "edge_sessionid"))!;
      const signed = (version: (typeof DJANGO_VERSIONS)[number]) =>
        django(version, {
          SECRET_KEY,
          SESSION_ENGINE: "django.contrib.sessions.backends.signed_cookies",
        });
      for (const version of DJANGO_VERSIONS) {
        // Django reads the Edge route's cookie, and writes one the Edge route reads.
        const read = await signed(version).run<Record<string, unknown>>(PY_SIGNED_LOAD, {
          key: ours,
        });
        assert.deepEqual(read, { visits_edge: 1 }, `Django ${version} reads it`);
        const theirs = await signed(version).run<string>(PY_SIGNED_SAVE, { visits: 41 });
        const again = await get("/api/edge", `edge_sessionid=${theirs}`);
        assert.deepEqual(await again.json(), { visits: 42, runtime: "edge" }, `Django ${version}`);
      }
    });

    test("the cookie a Server Action sets has Django's attributes, byte for byte", async () => {
      const before = Math.floor(Date.now() / 1000);
      const ours = cookieOf(await countVisit(), "sessionid")!;
      const after = Math.ceil(Date.now() / 1000);
      const djangos = await dj().run<string>(PY_NEW_SESSION_COOKIE);
      const [a, b] = [attributes(ours), attributes(djangos)];
      for (const each of [a, b]) {
        const issued = Date.parse(each.expires) / 1000 - Number(each["max-age"]);
        assert.ok(issued >= before - 1 && issued <= after + 1, `${each.expires} is now + Max-Age`);
      }
      assert.deepEqual({ ...a, expires: "" }, { ...b, expires: "" });
      assert.deepEqual(Object.keys(a), ["expires", "httponly", "max-age", "path", "samesite"]);
      assert.equal(a.samesite, "Lax");
      const key = valueOf(ours)!;
      assert.deepEqual((await dj().run<[object]>(DJANGO_DB_LOAD, key))[0], { visits_next: 1 });
    });

    test("the proxy sets Django's CSRF cookie, and the page's form token passes Django's check", async () => {
      const page = await get("/login");
      const csrf = cookieOf(page, "csrftoken")!;
      assert.match(
        csrf,
        /^csrftoken=\w{32}; expires=[^;]+ GMT; Max-Age=31449600; Path=\/; SameSite=Lax$/,
      );
      const token = /name="csrfmiddlewaretoken" value="(\w{64})"/.exec(await page.text())![1];
      const { host } = new URL(url);
      const reason = await dj().run(PY_CSRF_REASON, {
        token,
        cookie: valueOf(csrf),
        origin: url,
        host,
      });
      assert.equal(reason, null);
    });

    test("a Django-rendered CSRF token is accepted by a route handler; a forged one refused with Django's reason", async () => {
      const { key } = await dj().run<{ key: string }>(DJANGO_AUTH, {
        do: "login",
        key: null,
        username: "logs-out-on-next",
      });
      const { token, cookie } = await dj().run<{ token: string; cookie: string }>(PY_TOKEN);
      const cookies = `sessionid=${key}; csrftoken=${cookie}`;
      const forged = token.slice(0, -1) + (token.endsWith("a") ? "b" : "a");
      const refused = await postLogout(cookies, forged);
      assert.equal(refused.status, 403);
      const { host } = new URL(url);
      const reason = await dj().run<string>(PY_CSRF_REASON, {
        token: forged,
        cookie,
        origin: url,
        host,
      });
      assert.ok(reason);
      assert.match(await refused.text(), new RegExp(reason.replace(/[.()]/g, "\\$&")));
      assert.equal(
        (await dj().run<{ user: string }>(DJANGO_AUTH, { do: "get", key })).user,
        "logs-out-on-next",
      );
      // The real token: Next logs out, Django sees nobody and the cookie is deleted.
      const accepted = await postLogout(cookies, token);
      assert.equal(accepted.status, 200);
      assert.match(cookieOf(accepted, "sessionid")!, /^sessionid=""; expires=Thu, 01 Jan 1970/);
      assert.deepEqual(await dj().run(DJANGO_AUTH, { do: "get", key }), { key: null, user: null });
    });

    test("the login form (Server Component) posts to a route handler that logs in as Django does", async () => {
      const page = await get("/login");
      const csrf = cookieOf(page, "csrftoken")!.split(";")[0];
      const token = /name="csrfmiddlewaretoken" value="(\w{64})"/.exec(await page.text())![1];
      const response = await fetch(url + "/login/submit", {
        method: "POST",
        redirect: "manual",
        headers: { cookie: csrf, origin: url },
        body: new URLSearchParams({ csrfmiddlewaretoken: token, ...DEMO_USER }),
      });
      assert.equal(response.status, 303);
      const key = valueOf(cookieOf(response, "sessionid"))!;
      assert.notEqual(valueOf(cookieOf(response, "csrftoken")), valueOf(csrf)); // rotated
      assert.equal(
        (await dj().run<{ user: string }>(DJANGO_AUTH, { do: "get", key })).user,
        DEMO_USER.username,
      );
      const account = await get("/account", `sessionid=${key}`);
      assert.match(await account.text(), new RegExp(`<p id="account">${DEMO_USER.username}</p>`));
      const anonymous = await get("/account");
      assert.equal(anonymous.status, 302);
      const host = new URL(url).host;
      assert.equal(
        anonymous.headers.get("location"),
        await djangoLocation({ path: "/account", login: "/login", host }),
      );
    });

    test("route() with loginRequired: Django's redirect for a page, 401 for an API; Django's login passes", async () => {
      const host = new URL(url).host;
      const page = await get("/orders?page=2");
      assert.equal(page.status, 302);
      assert.equal(
        page.headers.get("location"),
        await djangoLocation({ path: "/orders?page=2", login: "/login", host }),
      );
      assert.equal((await get("/api/me")).status, 401);
      const cookie = await login(NEWEST, "route-guard");
      assert.deepEqual(await (await get("/api/me", cookie)).json(), { user: "route-guard" });
      assert.equal(await (await get("/orders?page=2", cookie)).text(), "orders of route-guard");
    });

    test("a route handler's message shows in Django's get_messages; Django's is listed there", async () => {
      const session = await login(NEWEST, "route-messages");
      const page = await get("/login");
      const csrf = cookieOf(page, "csrftoken")!.split(";")[0];
      const token = /name="csrfmiddlewaretoken" value="(\w{64})"/.exec(await page.text())![1];
      const added = await fetch(url + "/api/messages", {
        method: "POST",
        headers: { cookie: `${session}; ${csrf}`, origin: url },
        body: new URLSearchParams({ csrfmiddlewaretoken: token }),
      });
      assert.equal(await added.text(), "added");
      const key = session.slice(10);
      assert.deepEqual(await djangoMessages(NEWEST, key), [
        [25, "Saved from a Next route handler", "next", "next success", false],
      ]);
      await djangoMessages(NEWEST, key, [[20, "From Django", "dj", false]]);
      const listed = await get("/api/messages", session);
      assert.deepEqual(await listed.json(), [[20, "From Django", "dj", "dj info", false]]);
      assert.deepEqual(await djangoMessages(NEWEST, key), []);
    });
  });
}
