/**
 * Next.js (app router, 15/16): Django's session, user and CSRF in route handlers, Server
 * Components, Server Actions and `proxy.ts`. Its own subpath export (`./next`); Next is an optional
 * peer dependency. `nextSession(options)` once (e.g. in `lib/django.ts`) gives:
 *
 * - `route(handler)`: a route handler (`export const POST = route(…)`) behind Django's
 *   `SessionMiddleware`, `CsrfViewMiddleware` and `MessageMiddleware`, exactly as `withSession`;
 *   Next's `{ params }` (a Promise) is typed and passed on.
 * - `read(await cookies())`: the lazy session, `user()` and `csrfToken()` of a Server Component (or
 *   of `proxy.ts`, with `request.cookies`). Read-only: a render cannot set cookies.
 * - `save(session, await cookies())`: in a Server Action, saves the session read there and sets
 *   Django's cookie (and the CSRF cookie `login()` rotated) through `cookies().set`.
 * - `ensureCsrfCookie(request)`: in `proxy.ts`, Django's `@ensure_csrf_cookie`, so that forms a
 *   Server Component renders carry a token Django and `route()` accept.
 *
 * `proxy.ts` (Next 16) runs on the Node.js runtime, so every store works there. The Edge runtime
 * (`middleware.ts` before Next 16, `export const runtime = "edge"`) has no `fs` or TCP sockets:
 * only `SignedCookieBackend` works there; the database stores fail `next build` ("The edge
 * runtime does not support Node.js 'fs' module" for SQLite).
 *
 * @example
 * ```ts
 * import { NextRequest } from "next/server.js";
 * import { nextSession } from "@django-interop/session/next";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const { route } = nextSession({ backend: new SignedCookieBackend({ SECRET_KEY: "k" }) });
 * // app/items/[id]/route.ts
 * const GET = route(async (_request, { session, params }) => {
 *   (await session.load()).set("seen", (await params).id);
 *   return Response.json({ seen: session.get("seen") });
 * });
 * const response = await GET(new NextRequest("http://localhost/items/7"), {
 *   params: Promise.resolve({ id: "7" }),
 * });
 * console.log(await response.json(), response.headers.has("set-cookie")); // { seen: "7" } true
 * ```
 *
 * @module
 */
import { type NextRequest, NextResponse } from "next/server.js";
import { ImproperlyConfigured } from "../errors.ts";
import { serializeCookie } from "../primitives/cookie.ts";
import { commitCookieNow } from "../http/respond.ts";
import { lazyUser } from "../http/with_session.ts";
import { csrfCheck, type CsrfContext } from "../csrf/check.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { type RequestContext, withSession } from "./fetch.ts";
import type { RequestOptions } from "./request.ts";
import {
  type CookieReader,
  type CookieWriter,
  setDjangoCookies,
  withRequestCookies,
} from "./next_cookies.ts";

export type { CookieReader, CookieWriter, NextCookieOptions } from "./next_cookies.ts";
export type { CsrfFailureView, RequestOptions } from "./request.ts";
/** Next's own request type, which route handlers get. */
export type { NextRequest } from "next/server.js";

/** The params of a dynamic route, as Next hands them out (`[id]`, `[...slug]`, `[[...slug]]`). */
export type RouteParams = Record<string, string | string[] | undefined>;

/** What a route handler gets besides the request: `withSession`'s context and Next's `params`. */
export interface RouteContext<T extends SessionData, U, P extends RouteParams>
  extends RequestContext<T, U> {
  /** The route's params: a Promise since Next 15. */
  params: Promise<P>;
}

/** A route handler {@linkcode NextSession.route} wraps. */
export type RouteHandler<T extends SessionData, U, P extends RouteParams> = (
  request: NextRequest,
  context: RouteContext<T, U, P>,
) => Response | Promise<Response>;

/** The session of a Server Component, a Server Action or `proxy.ts`. */
export interface ServerSession<T extends SessionData, U> {
  /** The request's lazy session: no query unless `load()` is called. */
  session: Session<T>;
  /** The request's user from the `user` option, looked up on the first call only. */
  user(): Promise<U | null>;
  /**
   * Django's `get_token`: a masked token of the request's CSRF secret, for a form's hidden
   * `csrfmiddlewaretoken` (a POST to `route()` or to Django).
   *
   * @throws {ImproperlyConfigured} when the request carries no secret: a render cannot send the
   *   cookie, so call `ensureCsrfCookie(request)` in `proxy.ts` for that page
   */
  csrfToken(): string;
}

/** What {@linkcode nextSession} returns; each function is independent of the others' `this`. */
export interface NextSession<T extends SessionData, U> {
  /**
   * Wraps a route handler in Django's session, CSRF and messages middleware (`withSession`).
   *
   * @param handler `(request, { session, user, csrfToken, messages, params }) => Response`
   * @param options `csrfExempt: true` for Django's `@csrf_exempt`
   * @returns the route handler to export as `GET`, `POST`, …
   */
  route<P extends RouteParams = RouteParams>(
    handler: RouteHandler<T, U, P>,
    options?: { csrfExempt?: boolean },
  ): (request: NextRequest, context: { params: Promise<P> }) => Promise<Response>;
  /**
   * The session, user and CSRF token of a request, from its cookies.
   *
   * @param cookies `await cookies()` (next/headers), or `request.cookies` in `proxy.ts`
   * @returns the lazy session, `user()`, `csrfToken()`
   */
  read(cookies: CookieReader): Promise<ServerSession<T, U>>;
  /**
   * In a Server Action: saves a session from {@linkcode NextSession.read} when Django would (it
   * changed, or `SESSION_SAVE_EVERY_REQUEST`) and sets or deletes its cookie, and the CSRF cookie
   * when `login()` rotated it, with Django's attributes.
   *
   * @param session the session `read(cookies)` returned
   * @param cookies the same `await cookies()`
   * @throws {ImproperlyConfigured} for a session not from `read`, or a cookie value Next would
   *   percent-encode (a signed-cookie session: save it in a route handler)
   * @throws {SessionInterrupted} when the session was deleted meanwhile
   * @example
   * ```ts
   * import { PGlite } from "@electric-sql/pglite";
   * import { NextResponse } from "next/server.js";
   * import { nextSession } from "@django-interop/session/next";
   * import { createSessionTable, PostgresBackend } from "@django-interop/session/postgres";
   *
   * const db = new PGlite();
   * await createSessionTable(db);
   * const { read, save } = nextSession({ backend: new PostgresBackend(db, { SECRET_KEY: "k" }) });
   * // "use server" — const store = await cookies(); here a Next cookie store of a response
   * const store = NextResponse.next().cookies;
   * const { session } = await read(store);
   * (await session.load()).set("cart", [1]);
   * await save(session, store);
   * console.log(store.get("sessionid")?.maxAge, store.get("sessionid")?.sameSite); // 1209600 Lax
   * ```
   */
  save(session: Session<T>, cookies: CookieWriter): Promise<void>;
  /**
   * In `proxy.ts`: Django's `@ensure_csrf_cookie` — the CSRF cookie, set (or re-sent) with
   * Django's bytes, and visible to the page rendered for this request.
   *
   * @param request the proxy's request
   * @returns `NextResponse.next()` carrying the cookie, or the 503/500 of a store error
   */
  ensureCsrfCookie(request: NextRequest): Promise<Response>;
}

/** What `save` needs of a session `read` opened. */
interface Opened {
  cookieSent: boolean;
  csrf: CsrfContext;
}

/**
 * Django's session for a Next.js app: route handlers, Server Components, Server Actions and
 * `proxy.ts`, on one backend (its settings name and write the cookies).
 *
 * @param options the backend, the `user` loader (`(session) => getUser(session, users)`), the
 *   CSRF failure view, `retryAfter`
 * @returns `route`, `read`, `save`, `ensureCsrfCookie`
 * @example
 * ```ts
 * import { NextRequest } from "next/server.js";
 * import { nextSession } from "@django-interop/session/next";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const { ensureCsrfCookie, read } = nextSession({
 *   backend: new SignedCookieBackend({ SECRET_KEY: "k" }),
 *   user: () => Promise.resolve(null), // (session) => getUser(session, users)
 * });
 * // proxy.ts: the CSRF cookie, then a Server Component renders the form with csrfToken()
 * const proxied = await ensureCsrfCookie(new NextRequest("http://localhost/login"));
 * const cookie = proxied.headers.get("set-cookie")!.split(";")[0];
 * const { user, csrfToken } = await read(new NextRequest("http://localhost/login", {
 *   headers: { cookie },
 * }).cookies); // await cookies() in the page
 * console.log(await user(), csrfToken().length); // null 64
 * ```
 */
export function nextSession<T extends SessionData = SessionData, U = unknown>(
  options: RequestOptions<T, U>,
): NextSession<T, U> {
  const { backend } = options;
  const settings = backend.settings;
  const opened = new WeakMap<object, Opened>();

  function route<P extends RouteParams = RouteParams>(
    handler: RouteHandler<T, U, P>,
    { csrfExempt = false }: { csrfExempt?: boolean } = {},
  ): (request: NextRequest, context: { params: Promise<P> }) => Promise<Response> {
    // The request is Next's NextRequest; withSession types it as the Request it extends.
    return withSession<T, [{ params: Promise<P> }], U>(
      { ...options, csrfExempt: () => csrfExempt },
      (request, context, { params }) => handler(request as NextRequest, { ...context, params }),
    );
  }

  async function read(cookies: CookieReader): Promise<ServerSession<T, U>> {
    const key = cookies.get(settings.SESSION_COOKIE_NAME)?.value ?? null;
    const session = backend.getSession(key);
    const secret = cookies.get(settings.CSRF_COOKIE_NAME)?.value;
    const cookie = secret === undefined
      ? ""
      : serializeCookie(settings.CSRF_COOKIE_NAME, secret, {});
    // Exempt: nothing is checked (Next checks a Server Action's Origin), so the URL is not read.
    const { csrf } = await csrfCheck(
      { method: "GET", url: "http://localhost/", headers: { cookie }, exempt: true },
      session,
    );
    opened.set(session, { cookieSent: key !== null, csrf });
    const user = lazyUser(session as Session<SessionData>, options.user);
    return { session, user, csrfToken: () => tokenOf(csrf) };
  }

  async function save(session: Session<T>, cookies: CookieWriter): Promise<void> {
    const state = opened.get(session);
    if (state === undefined) throw new ImproperlyConfigured("save() takes a session read() gave");
    // CSRF first: with CSRF_USE_SESSIONS it writes into the session, as Django's order has it.
    const csrfCookie = state.csrf.commitCookie();
    const { cookie } = await commitCookieNow(session, state.cookieSent, 200);
    setDjangoCookies(cookies, [csrfCookie, cookie].filter((c) => c !== null));
    if (cookie !== null) state.cookieSent = cookie.value !== "";
  }

  async function ensureCsrfCookie(request: NextRequest): Promise<Response> {
    const exempt = { ...options, csrfExempt: () => true };
    const committed = await withSession(exempt, (_request, { csrfToken }) => {
      csrfToken();
      return new Response(null);
    })(request);
    if (!committed.ok) return committed;
    const setCookies = committed.headers.getSetCookie();
    const headers = new Headers(request.headers);
    headers.set("cookie", withRequestCookies(request.headers.get("cookie"), setCookies));
    const response = NextResponse.next({ request: { headers } });
    for (const line of setCookies) response.headers.append("set-cookie", line);
    return response;
  }

  return { route, read, save, ensureCsrfCookie };
}

function tokenOf(csrf: CsrfContext): string {
  if (!csrf.fromRequest) {
    throw new ImproperlyConfigured(
      "this request carries no CSRF cookie and a Server Component cannot set one: call " +
        "ensureCsrfCookie(request) in proxy.ts for this page (Django's @ensure_csrf_cookie)",
    );
  }
  return csrf.token();
}
