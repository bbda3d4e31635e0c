/**
 * The Elysia app of the CSRF, messages and login-required tests
 * (tests/interop/csrf/elysia_reasons.test.ts, tests/interop/messages/elysia_messages.test.ts,
 * tests/interop/auth/login_required.test.ts) on Elysia's own server, run under Bun: the twin of
 * tests/interop/csrf/_service.ts (`/form/`, `/protected/`, `/exempt/`, `/login/` with the users
 * of the SQLite file `SQLITE_PATH`, refusals answering the bare reason), `/messages/` (a GET
 * lists, a CSRF-exempt POST adds) and the `loginRequired` routes `/orders/`, `/api/orders` and
 * `/sso/` (a login page on another host), on signed cookies for `DJANGO_VERSION` and
 * `MESSAGE_STORAGE`, behind a proxy (`X-Forwarded-Proto`). Prints "listening" once the port
 * accepts requests.
 */
import { Elysia, redirect } from "elysia";
import { djangoSession, loginRequired } from "../../src/adapters/elysia.ts";
import { authenticate, login, sqliteUsers } from "../../src/auth/mod.ts";
import { SignedCookieBackend } from "../../src/stores/signed_cookies.ts";
import { openSqlite, SECRET_KEY } from "../_sqlite.ts";
import { TRUSTED } from "../interop/csrf/_probe.ts";
import { addTwo, listed } from "../interop/messages/_cycle.ts";

const env = process.env;
const backend = new SignedCookieBackend({
  SECRET_KEY,
  djangoVersion: env.DJANGO_VERSION,
  CSRF_TRUSTED_ORIGINS: TRUSTED,
  ...env.MESSAGE_STORAGE ? { MESSAGE_STORAGE: env.MESSAGE_STORAGE } : {},
});
const users = env.SQLITE_PATH ? sqliteUsers(await openSqlite(env.SQLITE_PATH)) : null;
/** The login page of `/sso/`, on another host: `next` is then the whole URL, scheme included. */
const SSO_LOGIN = "https://sso.example.com/login/";
const EXEMPT = new Set(["/exempt/", "/messages/"]);

new Elysia()
  .use(djangoSession({
    backend,
    trustProxy: true,
    user: async (session) => (await session.load()).get("_auth_user_id") ?? null,
    csrfExempt: (request) => EXEMPT.has(new URL(request.url).pathname),
    csrfFailure: (error) => new Response(error.reason, { status: 403 }),
  }))
  .get(
    "/form/",
    ({ csrfToken }) =>
      `<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="${csrfToken()}">` +
      `</form>`,
  )
  .all("/protected/", () => "ok")
  .all("/exempt/", () => "ok")
  .post("/login/", async ({ session, body }) => {
    const { username, password } = body as Record<string, string>;
    const user = users && await authenticate(session, users, username, password);
    if (!users || !user) return new Response("wrong credentials", { status: 401 });
    await login(session, user, users);
    return redirect("/");
  })
  .get("/messages/", ({ messages }) => listed(messages))
  .post("/messages/", ({ messages }) => (addTwo(messages, "elysia"), "added"))
  .get("/orders/", () => "orders", { beforeHandle: loginRequired() })
  .get("/api/orders", () => [], { beforeHandle: loginRequired({ api: true }) })
  .get("/sso/", () => "sso", { beforeHandle: loginRequired({ loginUrl: SSO_LOGIN }) })
  .listen({ hostname: "127.0.0.1", port: Number(env.PORT) }, () => console.log("listening"));
