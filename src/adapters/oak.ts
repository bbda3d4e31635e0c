/**
 * Oak middleware: Django's session, user, CSRF token and messages on `ctx.state`, behind Django's
 * `CsrfViewMiddleware` (on by default; the `csrfExempt` option per route), committed as Django's
 * `SessionMiddleware` does. Its own subpath export (`./oak`), so the main entry never needs Oak.
 *
 * It runs on every server Oak runs on: Deno's (`Deno.serve`, or `Deno.serve(app.handle)` with the
 * npm package), Bun's and Node's. It reads only what each of them hands out — `ctx.request.headers`,
 * `.url` and `.method` — and Oak writes the response after the middleware chain has returned, so
 * the commit runs after `await next()`, before any header leaves: strings, JSON, streams and
 * `ctx.response.redirect()` alike. A downstream error saves nothing; a response Oak does not write
 * from `ctx.response` (`ctx.respond = false`, `sendEvents`, a WebSocket upgrade) or one finalised
 * with `ctx.response.with()` is not committed.
 *
 * Types come from Oak's generics: `app.use(djangoSession(...))` returns the application typed with
 * {@linkcode SessionState}, so the middleware chained after it sees `ctx.state.user()` returning the
 * `user` loader's type; `new Router<SessionState<T, U>>()` types a router.
 *
 * @example
 * ```ts
 * import { Application } from "@oakserver/oak";
 * import { djangoSession } from "@django-interop/session/oak";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new Application().use(djangoSession({ backend })).use(async (ctx) => {
 *   const session = await ctx.state.session.load();
 *   session.set("visits", Number(session.get("visits") ?? 0) + 1);
 *   ctx.response.body = { visits: session.get("visits") };
 * });
 * // await app.listen({ port: 8000 });
 * ```
 *
 * @module
 */
import type { Context, Middleware, Request as OakRequest } from "@oakserver/oak";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import type { RequestMessages } from "../messages/request_messages.ts";
import { anonymousResponse, type LoginRequiredOptions } from "../auth/login_required.ts";
import { formTokenReader, isFormBody } from "../csrf/form.ts";
import {
  closeHeaders,
  failedRequest,
  type OpenRequest,
  openRequestLine,
  refusal,
  type RequestLine,
  type RequestOptions,
} from "./request.ts";

export type { CsrfFailureView, RequestOptions } from "./request.ts";
/** Oak's own context and middleware types, which this module's middleware use. */
export type { Context, Middleware } from "@oakserver/oak";

/**
 * What {@linkcode djangoSession} puts on `ctx.state`. A type rather than an interface: Oak merges
 * it into the application's state only if it fits `Record<string, any>`, which an interface does not.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user type that the `user` option returns
 * @example
 * ```ts
 * import { Router } from "@oakserver/oak";
 * import type { DjangoUser } from "@django-interop/session/auth";
 * import type { SessionState } from "@django-interop/session/oak";
 * const router = new Router<SessionState<{ cart: number[] }, DjangoUser>>();
 * router.get("/cart", async (ctx) => {
 *   ctx.response.body = (await ctx.state.session.load()).get("cart") ?? [];
 * });
 * ```
 */
export type SessionState<T extends SessionData = SessionData, U = unknown> = {
  /** The request's lazy Django session (`await ctx.state.session.load()` before reading it). */
  session: Session<T>;
  /** The request's user from the `user` option, looked up on the first call only. */
  user: () => Promise<U | null>;
  /** Django's `get_token`: a masked CSRF token for a form or header (sends the cookie). */
  csrfToken: () => string;
  /** The request's Django messages, committed before the session. */
  messages: RequestMessages;
};

/** Options of {@linkcode djangoSession}. */
export interface DjangoSessionOptions<T extends SessionData = SessionData, U = unknown>
  extends RequestOptions<T, U> {
  /**
   * Which requests skip the CSRF check (Django's `@csrf_exempt`), e.g. a bearer-token API or a
   * signed webhook: `(ctx) => ctx.request.url.pathname.startsWith("/api/")`. The middleware runs
   * before Oak's router has matched a route, so the exemption is decided from the request.
   *
   * @default undefined (every unsafe request is checked)
   */
  csrfExempt?: (ctx: Context) => boolean;
}

/**
 * Creates the middleware: each request gets a lazy `ctx.state.session` (no query unless a handler
 * loads it), a memoised `ctx.state.user()`, `ctx.state.csrfToken()` and `ctx.state.messages`; an
 * unsafe request whose Origin/Referer or CSRF token does not pass is answered 403 with Django's
 * reason before the next middleware runs. The form's `csrfmiddlewaretoken` is read only when the
 * check needs it, and the handler can still read the body through `ctx.request.body`. After the
 * downstream middleware, the messages, the CSRF cookie and the session are committed in Django's
 * order; a 5xx saves nothing. `SessionInterrupted` is answered 400, `StoreUnavailable` 503 with
 * `Retry-After`, `SessionUnreadable` 500, whether the handler, the check or the commit threw it;
 * any other error propagates to Oak and saves nothing.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user type that the `user` option returns
 * @param options the backend, the user loader, `csrfExempt`, `csrfFailure`, `retryAfter`
 * @returns the middleware
 * @example
 * ```ts
 * import { Application } from "@oakserver/oak";
 * import { djangoSession } from "@django-interop/session/oak";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new Application()
 *   .use(djangoSession({ backend, csrfExempt: (ctx) => ctx.request.url.pathname === "/hook" }))
 *   .use(async (ctx) => {
 *     if (ctx.request.method === "POST") { // checked: a token, or the /hook exemption
 *       ctx.state.messages.success("Saved.");
 *       return ctx.response.redirect("/");
 *     }
 *     const token = ctx.state.csrfToken();
 *     ctx.response.body = `<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="${token}"></form>`;
 *   });
 * // await app.listen({ port: 8000 });
 * ```
 */
export function djangoSession<T extends SessionData = SessionData, U = unknown>(
  options: DjangoSessionOptions<T, U>,
): Middleware<SessionState<T, U>> {
  return async function djangoSessionMiddleware(ctx, next) {
    keepSetCookies(ctx.request);
    let open: OpenRequest<T, U>;
    try {
      const exempt = options.csrfExempt?.(ctx) ?? false;
      open = await openRequestLine(requestLine(ctx.request), options, exempt);
    } catch (error) {
      return respondWith(ctx, failedRequest(error, options));
    }
    const { csrf } = open;
    ctx.state.session = open.session;
    ctx.state.user = open.user;
    ctx.state.csrfToken = () => csrf.csrf.token();
    ctx.state.messages = open.messages;
    if (csrf.ok) {
      try {
        await next();
      } catch (error) {
        return respondWith(ctx, failedRequest(error, options), { replace: true });
      }
    } else {
      respondWith(ctx, await refusal(fetchRequest(ctx.request), csrf, options));
    }
    if (ctx.respond === false || !ctx.response.writable) return;
    await commit(ctx, open, options);
  };
}

/** The messages', CSRF and session headers, set on Oak's response; a session error replaces it. */
async function commit<T extends SessionData, U>(
  ctx: Context,
  open: OpenRequest<T, U>,
  options: RequestOptions<T, U>,
): Promise<void> {
  const { headers } = ctx.response;
  try {
    const current = (name: "set-cookie" | "vary") =>
      name === "set-cookie" ? headers.getSetCookie() : headers.get(name);
    for (const [name, value] of await closeHeaders(open, ctx.response.status, current)) {
      headers.delete(name);
      for (const each of typeof value === "string" ? [value] : value) headers.append(name, each);
    }
  } catch (error) {
    respondWith(ctx, failedRequest(error, options), { replace: true });
  }
}

/**
 * What the middleware reads of Oak's request, the same on every server: Oak's Node server has no
 * fetch `Request` behind `ctx.request.source`.
 */
function requestLine(request: OakRequest): RequestLine {
  const { method, headers } = request; // a new `Headers` on each read on Oak's Node server
  return { method, url: request.url.href, headers, formToken: formToken(request, headers) };
}

/** Request headers as Oak's builds type them (undici's class in the npm one). */
type OakHeaders = OakRequest["headers"];

/**
 * The fetch `Request` behind Deno's and Bun's servers, the runtime's own (Oak's npm build types it
 * as undici's); none on Oak's Node server.
 */
function sourceOf(request: OakRequest): Request | undefined {
  return request.source as Request | undefined;
}

/**
 * The `csrfmiddlewaretoken` reader. Behind Deno's and Bun's servers, a clone of the fetch
 * `Request`; Oak's Node server reads the body from a one-shot stream, so the form is read through
 * `ctx.request.body` and the handler gets a fresh Oak `Body` over the same bytes.
 */
function formToken(request: OakRequest, headers: OakHeaders): () => Promise<string | null> {
  const source = sourceOf(request);
  if (source) return formTokenReader(source);
  return async () => {
    if (!isFormBody(headers.get("content-type")) || !request.hasBody) return null;
    // A body an earlier middleware has consumed holds no token any more (the header is tried next).
    const bytes = await request.body.arrayBuffer().catch(() => null);
    if (bytes === null) return null;
    const replay = fetchRequest(request, bytes);
    const Body = request.body.constructor as new (
      source: { request: Request },
    ) => OakRequest["body"];
    Object.defineProperty(request, "body", { value: new Body({ request: replay }) });
    return formTokenReader(replay)();
  };
}

/** A fetch `Request` of Oak's request (for `csrfFailure`, and the form read on Node). */
function fetchRequest(request: OakRequest, body?: ArrayBuffer): Request {
  const source = sourceOf(request);
  if (source && body === undefined) return source;
  const { method, headers } = request;
  return new Request(request.url.href, { method, headers: [...headers], body });
}

/** What Oak's servers take a response through (`ctx.request.originalRequest`). */
interface Responder {
  respond(response: Response): Promise<void>;
}

/**
 * Oak's Node server (14.1) writes each header of the response with Node's `setHeader`, so of
 * several `Set-Cookie` (the CSRF, messages and session cookies) only the last would leave: it gets
 * them as one list instead, which Node sends as one `Set-Cookie` line each. Deno's and Bun's
 * servers hand the fetch `Response` over as is.
 */
function keepSetCookies(request: OakRequest): void {
  if (request.source) return;
  const server = request.originalRequest as unknown as Responder;
  const respond = server.respond.bind(server);
  server.respond = (response) => respond(cookieList(response));
}

function cookieList(response: Response): Response {
  const cookies = response.headers.getSetCookie();
  if (cookies.length < 2) return response;
  // Only iterated, as `[name, value]` pairs, by Oak's Node server.
  const pairs: [string, string | string[]][] = [["set-cookie", cookies]];
  response.headers.forEach((value, name) => name !== "set-cookie" && pairs.push([name, value]));
  const { status, statusText, body } = response;
  return { status, statusText, body, headers: pairs } as unknown as Response;
}

/**
 * Writes a fetch `Response` into Oak's `ctx.response`; with `replace`, the handler's headers go
 * first (the answer to a session error is a new response, as Django's).
 */
function respondWith(ctx: Context, response: Response, { replace = false } = {}): void {
  if (!ctx.response.writable) return;
  const { headers } = ctx.response;
  if (replace) { for (const name of [...headers.keys()]) headers.delete(name); }
  ctx.response.status = response.status;
  response.headers.forEach((value, name) => name !== "set-cookie" && headers.set(name, value));
  for (const cookie of response.headers.getSetCookie()) headers.append("set-cookie", cookie);
  ctx.response.body = response.body;
}

/**
 * Django's `login_required` as Oak middleware, after {@linkcode djangoSession} (with its `user`
 * option): anonymous requests are redirected to `LOGIN_URL?next=…` as Django redirects them, or
 * get 401 with `api: true`.
 *
 * @param options the login page, the redirect field, `api`
 * @returns the middleware
 * @example
 * ```ts
 * import { Application, Router } from "@oakserver/oak";
 * import { djangoSession, loginRequired, type SessionState } from "@django-interop/session/oak";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const router = new Router<SessionState>()
 *   .get("/orders/", loginRequired(), (ctx) => void (ctx.response.body = "orders"))
 *   .get("/api/orders", loginRequired({ api: true }), (ctx) => void (ctx.response.body = []));
 * const app = new Application()
 *   .use(djangoSession({ backend, user: () => Promise.resolve(null) }))
 *   .use(router.routes());
 * // await app.listen({ port: 8000 }); GET /orders/ → 302 /accounts/login/?next=/orders/
 * ```
 */
export function loginRequired<T extends SessionData = SessionData, U = unknown>(
  options: LoginRequiredOptions = {},
): Middleware<SessionState<T, U>> {
  return async function loginRequiredMiddleware(ctx, next) {
    if (await ctx.state.user() !== null) return await next();
    const { session } = ctx.state;
    respondWith(ctx, anonymousResponse(ctx.request.url.href, session.settings, options));
  };
}
