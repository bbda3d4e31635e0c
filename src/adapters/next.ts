/**
 * Next.js (app router, 15/16): Django's session, user and CSRF in route handlers, Server
 * Components, Server Actions and `proxy.ts`. Its own subpath export (`./next`); Next is an optional
 * peer dependency. `nextSession(options)` once (e.g. in `lib/django.ts`) gives:
 *
 * - `route(handler)`: a route handler (`export const POST = route(…)`) behind Django's
 *   `SessionMiddleware`, `CsrfViewMiddleware` and `MessageMiddleware`, exactly as `withSession`;
 *   Next's `{ params }` (a Promise) is typed and passed on.
 * - `read(await cookies())`: the lazy session, `user()`, `csrfToken()` and Django's `messages` of a
 *   Server Component (or of `proxy.ts`, with `request.cookies`). Read-only: a render cannot set
 *   cookies, so its messages are the ones `proxy(request, { messages: true })` took for it.
 * - `save(session, await cookies())`: in a Server Action, stores the messages, saves the session
 *   read there and sets Django's cookie (and the CSRF cookie `login()` rotated) through
 *   `cookies().set`.
 * - `ensureCsrfCookie(request)`: in `proxy.ts`, Django's `@ensure_csrf_cookie`, so that forms a
 *   Server Component renders carry a token Django and `route()` accept; `proxy(request, options)`
 *   does that and takes the messages for the page.
 * - `loginRequired(request)`: in `proxy.ts`, Django's `login_required` for the pages it matches;
 *   `route(handler, { loginRequired: true })` for a route handler.
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
import type { NextRequest } from "next/server.js";
import { ImproperlyConfigured } from "../errors.ts";
import { djangoSettings } from "../settings/settings.ts";
import { serializeCookie } from "../primitives/cookie.ts";
import { commitCookieNow } from "../http/respond.ts";
import { lazyUser } from "../http/with_session.ts";
import { csrfCheck, type CsrfContext } from "../csrf/check.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { type RequestMessages, requestMessages } from "../messages/request_messages.ts";
import { messagesCookieDeletion } from "../messages/storages.ts";
import { type RequestContext, withSession } from "./fetch.ts";
import { type PageProxy, pageProxy, TAKEN_MESSAGES } from "./next_proxy.ts";
import type { RequestOptions } from "./request.ts";
import { anonymousResponse, type LoginRequiredOptions } from "../auth/login_required.ts";
import { type CookieReader, type CookieWriter, setDjangoCookies } from "./next_cookies.ts";

export type { CookieReader, CookieWriter, NextCookieOptions } from "./next_cookies.ts";
export type { PageProxy } from "./next_proxy.ts";
export type { CsrfFailureView, RequestOptions } from "./request.ts";
export type { LoginRequiredOptions } from "../auth/login_required.ts";

/** Options of {@linkcode NextSession.route}. */
export interface RouteOptions {
  /**
   * Django's `@csrf_exempt`.
   *
   * @default false
   */
  csrfExempt?: boolean;
  /**
   * Django's `login_required`: an anonymous request gets `302` to `LOGIN_URL?next=…` (or `401`
   * with `{ api: true }`) and the handler does not run; `true` for the defaults.
   *
   * @default undefined (anyone)
   */
  loginRequired?: boolean | LoginRequiredOptions;
}
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
  /**
   * Django's messages of the request (`get_messages`): `list()` shows them, `add()` queues one.
   * A Server Component cannot store: on a page `proxy(request, { messages: true })` ran for, they
   * are the messages the proxy took (consumed in the browser's storage, so shown once); elsewhere
   * the stored ones, which stay until a Server Action (`save`), a route handler, a proxied page
   * or a Django view lists them. In a Server Action,
   * `save` stores them — in the session with Django's `SessionStorage`; Next's `cookies().set`
   * cannot write Django's signed `messages` cookie, so with the cookie or fallback storage `save`
   * rejects a new message with `ImproperlyConfigured` (listed ones are still deleted).
   */
  messages: RequestMessages;
}

/** What {@linkcode nextSession} returns; each function is independent of the others' `this`. */
export interface NextSession<T extends SessionData, U> {
  /**
   * Wraps a route handler in Django's session, CSRF and messages middleware (`withSession`).
   *
   * @param handler `(request, { session, user, csrfToken, messages, params }) => Response`
   * @param options `csrfExempt: true` for Django's `@csrf_exempt`, `loginRequired` for its
   *   `login_required`
   * @returns the route handler to export as `GET`, `POST`, …
   */
  route<P extends RouteParams = RouteParams>(
    handler: RouteHandler<T, U, P>,
    options?: RouteOptions,
  ): (request: NextRequest, context: { params: Promise<P> }) => Promise<Response>;
  /**
   * The session, user and CSRF token of a request, from its cookies.
   *
   * @param cookies `await cookies()` (next/headers), or `request.cookies` in `proxy.ts`
   * @returns the lazy session, `user()`, `csrfToken()`
   */
  read(cookies: CookieReader): Promise<ServerSession<T, U>>;
  /**
   * In a Server Action: stores the messages of {@linkcode NextSession.read} as Django's
   * `MessageMiddleware` does (listed ones consumed, added ones kept), saves the session when Django
   * would (it changed, or `SESSION_SAVE_EVERY_REQUEST`) and sets or deletes its cookie, the CSRF
   * cookie when `login()` rotated it, and deletes a consumed `messages` cookie, with Django's
   * attributes.
   *
   * @param session the session `read(cookies)` returned
   * @param cookies the same `await cookies()`
   * @throws {ImproperlyConfigured} for a session not from `read`, a cookie value Next would
   *   percent-encode (a signed-cookie session: save it in a route handler), or a new message when
   *   `MESSAGE_STORAGE` is not Django's `SessionStorage`
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
  /**
   * In `proxy.ts`, for a page: the CSRF cookie as {@linkcode NextSession.ensureCsrfCookie} sets it
   * (`csrfCookie`), and Django's iteration of the messages (`messages`) — on a navigation (not a
   * prefetch or a Server Action) the stored messages are consumed on this response (the
   * `messages` cookie deleted, the session's `_messages` removed, as Django's `update` does after
   * a template listed them) and handed to the page rendered for this request, whose
   * `read(await cookies()).messages.list()` shows them: once, as on a Django page.
   *
   * @param request the proxy's request
   * @param page `csrfCookie`, `messages`
   * @returns `NextResponse.next()` carrying the cookies, or the 503/500 of a store error
   * @example
   * ```ts
   * import { NextRequest } from "next/server.js";
   * import { nextSession } from "@django-interop/session/next";
   * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
   *
   * const { proxy } = nextSession({ backend: new SignedCookieBackend({ SECRET_KEY: "k" }) });
   * // proxy.ts: export const proxy = (request) => django.proxy(request, { csrfCookie: true, messages: true });
   * const response = await proxy(new NextRequest("http://localhost/"), { csrfCookie: true, messages: true });
   * console.log(response.headers.getSetCookie()[0].startsWith("csrftoken=")); // true
   * ```
   */
  proxy(request: NextRequest, page: PageProxy): Promise<Response>;
  /**
   * In `proxy.ts`: Django's `login_required` for a page the proxy matches — `null` for a
   * logged-in user (`user()` not `null`), else the `302` to `LOGIN_URL?next=…` Django answers
   * (its `Location` made absolute for Next, which sends it relative again as Django does), or
   * `401` with `{ api: true }`.
   *
   * @param request the proxy's request
   * @param options the login page (default `LOGIN_URL`), the redirect field, `api`
   * @returns the answer to an anonymous request, or `null`
   * @example
   * ```ts
   * import { NextRequest } from "next/server.js";
   * import { nextSession } from "@django-interop/session/next";
   * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
   *
   * const { loginRequired } = nextSession({
   *   backend: new SignedCookieBackend({ SECRET_KEY: "k" }),
   *   user: () => Promise.resolve(null), // (session) => getUser(session, users)
   * });
   * // proxy.ts: return (await loginRequired(request)) ?? NextResponse.next();
   * const answer = await loginRequired(new NextRequest("http://localhost/account?tab=2"));
   * console.log(answer?.status, answer?.headers.get("location")); // 302 http://localhost/accounts/login/?next=/account%3Ftab%3D2
   * ```
   */
  loginRequired(request: NextRequest, options?: LoginRequiredOptions): Promise<Response | null>;
}

const COOKIE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage";

/** What `save` needs of a session `read` opened. */
interface Opened {
  cookieSent: boolean;
  csrf: CsrfContext;
  messages: RequestMessages;
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
  // The messages proxy() took for a page come as a signed messages cookie, whatever the storage.
  const takenSettings = djangoSettings({ ...settings, MESSAGE_STORAGE: COOKIE_STORAGE });

  function route<P extends RouteParams = RouteParams>(
    handler: RouteHandler<T, U, P>,
    { csrfExempt = false, loginRequired: guard }: RouteOptions = {},
  ): (request: NextRequest, context: { params: Promise<P> }) => Promise<Response> {
    const login = guard === true ? {} : guard || null;
    // The request is Next's NextRequest; withSession types it as the Request it extends.
    return withSession<T, [{ params: Promise<P> }], U>(
      { ...options, csrfExempt: () => csrfExempt },
      async (request, context, { params }) => {
        if (login && await context.user() === null) {
          return anonymousResponse(request.url, settings, login);
        }
        return handler(request as NextRequest, { ...context, params });
      },
    );
  }

  async function read(cookies: CookieReader): Promise<ServerSession<T, U>> {
    const key = cookies.get(settings.SESSION_COOKIE_NAME)?.value ?? null;
    const session = backend.getSession(key);
    const cookie = [settings.CSRF_COOKIE_NAME, "messages"].flatMap((name) => {
      const value = cookies.get(name)?.value;
      return value === undefined ? [] : [serializeCookie(name, value, {})];
    }).join("; ");
    // Exempt: nothing is checked (Next checks a Server Action's Origin), so the URL is not read.
    const { csrf } = await csrfCheck(
      { method: "GET", url: "http://localhost/", headers: { cookie }, exempt: true },
      session,
    );
    const taken = cookies.get(TAKEN_MESSAGES)?.value;
    const messages = taken === undefined
      ? requestMessages(session, cookie, settings, "a Server Action")
      : requestMessages(session, serializeCookie("messages", taken, {}), takenSettings, "a page");
    opened.set(session, { cookieSent: key !== null, csrf, messages });
    const user = lazyUser(session as Session<SessionData>, options.user);
    return { session, user, csrfToken: () => tokenOf(csrf), messages };
  }

  async function save(session: Session<T>, cookies: CookieWriter): Promise<void> {
    const state = opened.get(session);
    if (state === undefined) throw new ImproperlyConfigured("save() takes a session read() gave");
    // Messages and CSRF first: they may write into the session, as Django's order has it. The
    // messages storage sets no cookie but a deletion of `messages` (cookieDeletionsOnly).
    const deleted = (await state.messages.commit()).length
      ? messagesCookieDeletion(settings)
      : null;
    const csrfCookie = state.csrf.commitCookie();
    const { cookie } = await commitCookieNow(session, state.cookieSent, 200);
    setDjangoCookies(cookies, [deleted, csrfCookie, cookie].filter((c) => c !== null));
    if (cookie !== null) state.cookieSent = cookie.value !== "";
  }

  const proxy = (request: NextRequest, page: PageProxy) => pageProxy(options, request, page);
  const ensureCsrfCookie = (request: NextRequest) => proxy(request, { csrfCookie: true });

  async function loginRequired(
    request: NextRequest,
    guard: LoginRequiredOptions = {},
  ): Promise<Response | null> {
    if (await (await read(request.cookies)).user() !== null) return null;
    const answer = anonymousResponse(request.url, settings, guard);
    const location = answer.headers.get("location");
    // Next's proxy resolves a redirect's Location as a URL, so it must be absolute here.
    if (location !== null) answer.headers.set("location", new URL(location, request.url).href);
    return answer;
  }

  return { route, read, save, ensureCsrfCookie, proxy, loginRequired };
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
