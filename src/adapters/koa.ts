/**
 * Koa middleware: Django's `SessionMiddleware`, `CsrfViewMiddleware` and `MessageMiddleware` in
 * Django's default order — the session on `ctx.session`, the user on `ctx.state.user()`, Django's
 * `get_token` as `ctx.csrfToken()` and the messages on `ctx.messages`. Its own subpath export
 * (`./koa`), so the main entry never needs Koa.
 *
 * CSRF is checked before `await next()`: an unsafe request (not GET, HEAD, OPTIONS, TRACE) whose
 * Origin, Referer or token does not pass is answered 403 with Django's reason and the downstream
 * middleware never runs. The form token comes from the body a parser already read, so mount
 * `@koa/bodyparser` BEFORE `djangoSession` (and, for `multipart/form-data`, a parser that fills
 * `ctx.request.body` with the fields, e.g. `@koa/multer`'s `upload.none()`); JSON and `fetch`
 * clients send the `X-CSRFToken` header instead. The request's scheme is Koa's `ctx.protocol`:
 * behind a TLS-terminating proxy set `app.proxy = true` so that `X-Forwarded-Proto: https` makes
 * the request secure (Django's strict Referer check then applies); the host compared with `Origin`
 * is the `Host` header, as Django's `get_host()`.
 *
 * Koa writes the response after the middleware chain has returned, so the commit runs after
 * `await next()` and before any header leaves, whether the body is a string, JSON, a stream or a
 * redirect: the messages' cookies, the CSRF cookie, then the session, as Django does. A downstream
 * middleware that throws saves nothing. A response taken over with `ctx.respond = false` is not
 * committed (Koa does not write it either).
 *
 * Types come from Koa's generics, not from augmenting `koa`'s `DefaultContext` (JSR refuses
 * packages that augment another module's types): `app.use(djangoSession(...))` returns the app
 * typed with {@linkcode SessionState} and {@linkcode SessionContext}, so routes added to that chain
 * see `ctx.session`, `ctx.csrfToken()` and `ctx.messages`;
 * `new Koa<SessionState<U>, SessionContext<T>>()` types every middleware.
 *
 * @example
 * ```ts
 * import Koa from "koa";
 * import { djangoSession } from "@django-interop/session/koa";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new Koa().use(djangoSession({ backend })).use(async (ctx) => {
 *   const session = await ctx.session.load();
 *   session.set("visits", Number(session.get("visits") ?? 0) + 1);
 *   ctx.body = { visits: session.get("visits") };
 * });
 * // app.listen(3000)
 * ```
 *
 * @module
 */
import type { Middleware, ParameterizedContext } from "koa";
import type { CsrfFailure } from "../errors.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import type { RequestMessages } from "../messages/request_messages.ts";
import type { SessionOptions as WithSessionOptions } from "../http/with_session.ts";
import {
  type ErrorResponseOptions,
  type ErrorStatus,
  errorStatus,
} from "../http/error_response.ts";
import { csrfFailureBody } from "../csrf/commit.ts";
import { parsedFormToken } from "../csrf/form.ts";
import { closeHeaders, LazyRequestLine, type LineReader, openRequestLine } from "./request.ts";
import { anonymousResponse, type LoginRequiredOptions } from "../auth/login_required.ts";

/**
 * What {@linkcode djangoSession} adds to `ctx.state`: the request's user.
 *
 * @typeParam U the user type that the `user` option returns
 * @example
 * ```ts
 * import Koa from "koa";
 * import type { DjangoUser } from "@django-interop/session/auth";
 * import type { SessionContext, SessionState } from "@django-interop/session/koa";
 * const app = new Koa<SessionState<DjangoUser>, SessionContext>();
 * app.use(async (ctx) => {
 *   ctx.body = (await ctx.state.user())?.username ?? "anonymous";
 * });
 * ```
 */
export interface SessionState<U = unknown> {
  /** The request's user from the `user` option, looked up on the first call only. */
  user(): Promise<U | null>;
}

/**
 * What {@linkcode djangoSession} adds to `ctx`: the request's lazy session, its CSRF token and its
 * messages.
 *
 * @typeParam T the shape of the session data
 * @example
 * ```ts
 * import Koa from "koa";
 * import type { SessionContext } from "@django-interop/session/koa";
 * const app = new Koa<Koa.DefaultState, SessionContext<{ cart: number[] }>>();
 * app.use(async (ctx) => {
 *   ctx.messages.info("Cart shown");
 *   ctx.body = (await ctx.session.load()).get("cart") ?? [];
 * });
 * ```
 */
export interface SessionContext<T extends SessionData = SessionData> {
  /** The request's lazy Django session (`await ctx.session.load()` before reading it). */
  session: Session<T>;
  /**
   * Django's `get_token(request)`: a masked token for a form's hidden `csrfmiddlewaretoken` input
   * or an `X-CSRFToken` header; calling it sends the `csrftoken` cookie with the response.
   */
  csrfToken(): string;
  /** The request's Django messages (`ctx.messages.info("…")`, `await ctx.messages.list()`). */
  messages: RequestMessages;
}

/**
 * The `ctx` of a middleware after {@linkcode djangoSession}, for functions written apart from the
 * chain (a `csrfFailure` answer, a route handler in its own file).
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user type that the `user` option returns
 * @example
 * ```ts
 * import type { SessionKoaContext } from "@django-interop/session/koa";
 * export async function cart(ctx: SessionKoaContext<{ cart: number[] }>) {
 *   ctx.body = (await ctx.session.load()).get("cart") ?? [];
 * }
 * ```
 */
export type SessionKoaContext<T extends SessionData = SessionData, U = unknown> =
  ParameterizedContext<SessionState<U>, SessionContext<T>>;

/** Options of {@linkcode djangoSession}: the backend, the user loader, CSRF, `Retry-After`. */
export interface DjangoSessionOptions<T extends SessionData = SessionData, U = unknown>
  extends WithSessionOptions<T, U>, ErrorResponseOptions {
  /**
   * Which requests skip the CSRF check (Django's `@csrf_exempt`), asked before any downstream
   * middleware runs, e.g. `(ctx) => ctx.path.startsWith("/api/")` for an API authenticated by a
   * bearer token rather than by the session cookie. Tokens still work there.
   *
   * @default undefined (every unsafe request is checked)
   */
  csrfExempt?: (ctx: ParameterizedContext) => boolean;
  /**
   * Answers a request CSRF refused (Django's `CSRF_FAILURE_VIEW`) by setting `ctx.status` and
   * `ctx.body`; `error.reason` is Django's reason. The downstream middleware does not run.
   *
   * @default a plain-text 403 with Django's reason (`csrfFailureBody`)
   */
  csrfFailure?: (error: CsrfFailure, ctx: SessionKoaContext<T, U>) => void | Promise<void>;
}

/**
 * Creates the middleware: each request gets a lazy `ctx.session` (no query unless a handler loads
 * it), a memoised `ctx.state.user()`, `ctx.csrfToken()` and `ctx.messages`; an unsafe request that
 * fails Django's CSRF check is answered 403 (or by `csrfFailure`) without running the downstream
 * middleware. Once the downstream middleware has returned, the messages are stored, the CSRF
 * cookie is set when the token was used or rotated (by `login()`), and the session is saved when
 * it changed and the status is below 500, its cookie set, refreshed or deleted as Django does. A
 * downstream error propagates and saves nothing. `SessionInterrupted` is answered 400 (as Django)
 * and `StoreUnavailable` 503 with `Retry-After`, whether the handler, the CSRF check or the save
 * threw it.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user type that the `user` option returns
 * @param options the backend (its settings name and write the cookies), the user loader, the CSRF
 *   exemption and failure answer, `retryAfter`
 * @returns the middleware
 * @example
 * ```ts
 * import Koa from "koa";
 * import { bodyParser } from "@koa/bodyparser";
 * import { djangoSession } from "@django-interop/session/koa";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new Koa().use(bodyParser()).use(djangoSession({ backend })).use(async (ctx) => {
 *   if (ctx.method === "GET") {
 *     ctx.body = `<form method="post"><input name="csrfmiddlewaretoken" value="${ctx.csrfToken()}"></form>`;
 *     return;
 *   }
 *   (await ctx.session.load()).set("cart", [1]);
 *   ctx.body = "added";
 * });
 * const server = app.listen(0);
 * await new Promise((resolve) => server.once("listening", resolve));
 * const url = `http://localhost:${(server.address() as { port: number }).port}/`;
 * const page = await fetch(url);
 * const csrfmiddlewaretoken = (await page.text()).match(/value="(\w+)"/)![1];
 * const cookie = page.headers.get("set-cookie")!.split(";")[0]; // csrftoken=…
 * const headers = { cookie, origin: new URL(url).origin };
 * const forged = await fetch(url, { method: "POST", headers, body: new URLSearchParams() });
 * const body = new URLSearchParams({ csrfmiddlewaretoken });
 * const posted = await fetch(url, { method: "POST", headers, body });
 * console.log(forged.status, (await forged.text()).trim().split("\n").at(-1)); // 403 CSRF token missing.
 * console.log(posted.status, await posted.text()); // 200 added
 * server.close();
 * ```
 */
export function djangoSession<T extends SessionData = SessionData, U = unknown>(
  options: DjangoSessionOptions<T, U>,
): Middleware<SessionState<U>, SessionContext<T>> {
  const { backend, user, csrfExempt = () => false } = options;
  const sessionOptions = { backend, user };
  return async function djangoSessionMiddleware(ctx, next) {
    let open;
    try {
      const line = new LazyRequestLine(ctx, ctx.method, ctx.headers, KOA_LINE);
      open = openRequestLine(line, sessionOptions, csrfExempt(ctx));
      if (open instanceof Promise) open = await open;
    } catch (error) {
      return answerError(ctx, error, options);
    }
    const { csrf } = open;
    ctx.session = open.session;
    ctx.state.user = open.user;
    ctx.csrfToken = () => csrf.csrf.token();
    ctx.messages = open.messages;
    try {
      if (csrf.ok) await next();
      else await refuse(ctx, csrf.error, options);
    } catch (error) {
      return answerError(ctx, error, options);
    }
    if (ctx.respond === false) return;
    try {
      let updates = closeHeaders(open, ctx.status, (h) => ctx.response.get(h));
      if (updates instanceof Promise) updates = await updates;
      for (const [header, value] of updates) ctx.set(header, value);
    } catch (error) {
      answerError(ctx, error, options);
    }
  };
}

/** The request as the CSRF check reads it: Koa's scheme, the parsed body's form token. */
const KOA_LINE: LineReader<ParameterizedContext> = {
  url: (ctx) => ctx.href,
  formToken: (ctx) =>
    parsedFormToken(ctx.get("content-type"), (ctx.request as { body?: unknown }).body),
};

/** The `csrfFailure` option's answer, or Django's plain-text 403. */
function refuse<T extends SessionData, U>(
  ctx: SessionKoaContext<T, U>,
  error: CsrfFailure,
  options: DjangoSessionOptions<T, U>,
): void | Promise<void> {
  if (options.csrfFailure) return options.csrfFailure(error, ctx);
  ctx.status = 403;
  ctx.type = "text/plain; charset=utf-8";
  ctx.body = csrfFailureBody(error.reason);
}

/** Answers a session error with a new plain-text response (as Django's); rethrows any other. */
function answerError(ctx: ParameterizedContext, error: unknown, options: ErrorResponseOptions) {
  const answer = errorStatus(error, options);
  if (!answer) throw error;
  replace(ctx, answer);
}

/** Turns the response into the plain-text answer to a session error (a new one, as Django's). */
function replace(ctx: ParameterizedContext, answer: ErrorStatus): void {
  (ctx.body as { destroy?: () => void } | null)?.destroy?.(); // a stream nobody will read
  for (const header of Object.keys(ctx.response.headers)) ctx.remove(header);
  ctx.status = answer.status;
  ctx.body = answer.body;
  ctx.set(answer.headers);
}

/**
 * Django's `login_required` as Koa middleware, after {@linkcode djangoSession} (with its `user`
 * option): an anonymous request is redirected to `LOGIN_URL?next=…` exactly as Django redirects it
 * (`api: true`: 401 instead); a logged-in user's request goes on downstream.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user type
 * @param options the login page, the redirect field, `api`
 * @returns the middleware
 * @example
 * ```ts
 * import Koa from "koa";
 * import { djangoSession, loginRequired } from "@django-interop/session/koa";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new Koa().use(djangoSession({ backend, user: () => Promise.resolve(null) }))
 *   .use(loginRequired())
 *   .use((ctx) => void (ctx.body = "orders"));
 * const server = app.listen(0);
 * await new Promise((resolve) => server.once("listening", resolve));
 * const { port } = server.address() as { port: number };
 * const response = await fetch(`http://127.0.0.1:${port}/orders/`, { redirect: "manual" });
 * console.log(response.status, response.headers.get("location")); // 302 /accounts/login/?next=/orders/
 * server.close();
 * ```
 */
export function loginRequired<T extends SessionData = SessionData, U = unknown>(
  options: LoginRequiredOptions = {},
): Middleware<SessionState<U>, SessionContext<T>> {
  return async function loginRequiredMiddleware(ctx, next) {
    if (await ctx.state.user() !== null) return await next();
    const answer = anonymousResponse(ctx.href, ctx.session.settings, options);
    ctx.status = answer.status;
    answer.headers.forEach((value, name) => void ctx.set(name, value));
    ctx.body = await answer.text();
  };
}
