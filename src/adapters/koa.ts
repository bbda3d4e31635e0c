/**
 * Koa middleware: Django's session on `ctx.session` and the user on `ctx.state.user()`, committed
 * as Django's `SessionMiddleware` does. Its own subpath export (`./koa`), so the main entry never
 * needs Koa.
 *
 * Koa writes the response after the middleware chain has returned, so the commit runs after
 * `await next()` and before any header leaves, whether the body is a string, JSON, a stream or a
 * redirect. A downstream middleware that throws saves nothing. A response taken over with
 * `ctx.respond = false` is not committed (Koa does not write it either).
 *
 * Types come from Koa's generics, not from augmenting `koa`'s `DefaultContext` (JSR refuses
 * packages that augment another module's types): `app.use(djangoSession(...))` returns the app
 * typed with {@linkcode SessionState} and {@linkcode SessionContext}, so routes added to that chain
 * see `ctx.session`; `new Koa<SessionState<U>, SessionContext<T>>()` types every middleware.
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
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { commitHeaders, sessionHeaderUpdates, sessionKeyOfHeader } from "../http/respond.ts";
import { lazyUser, type SessionOptions as WithSessionOptions } from "../http/with_session.ts";
import {
  type ErrorResponseOptions,
  type ErrorStatus,
  errorStatus,
} from "../http/error_response.ts";

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
 * What {@linkcode djangoSession} adds to `ctx`: the request's lazy session.
 *
 * @typeParam T the shape of the session data
 * @example
 * ```ts
 * import Koa from "koa";
 * import type { SessionContext } from "@django-interop/session/koa";
 * const app = new Koa<Koa.DefaultState, SessionContext<{ cart: number[] }>>();
 * app.use(async (ctx) => {
 *   ctx.body = (await ctx.session.load()).get("cart") ?? [];
 * });
 * ```
 */
export interface SessionContext<T extends SessionData = SessionData> {
  /** The request's lazy Django session (`await ctx.session.load()` before reading it). */
  session: Session<T>;
}

/** Options of {@linkcode djangoSession}: the backend, the user loader and the `Retry-After`. */
export interface DjangoSessionOptions<T extends SessionData = SessionData, U = unknown>
  extends WithSessionOptions<T, U>, ErrorResponseOptions {}

/**
 * Creates the middleware: each request gets a lazy `ctx.session` (no query unless a handler loads
 * it) and a memoised `ctx.state.user()`; once the downstream middleware has returned, the session
 * is saved when it changed and the status is below 500, and the cookie is set, refreshed or
 * deleted as Django does. A downstream error propagates and saves nothing. `SessionInterrupted`
 * is answered 400 (as Django) and `StoreUnavailable` 503 with `Retry-After`, whether the handler
 * or the save threw it.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user type that the `user` option returns
 * @param options the backend (its settings name and write the cookie), the user loader, `retryAfter`
 * @returns the middleware
 * @example
 * ```ts
 * import Koa from "koa";
 * import { djangoSession } from "@django-interop/session/koa";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * new Koa().use(djangoSession({ backend, retryAfter: 30 })).use(async (ctx) => {
 *   if (ctx.path !== "/logout") return;
 *   await ctx.session.flush();
 *   ctx.redirect("/");
 * });
 * ```
 */
export function djangoSession<T extends SessionData = SessionData, U = unknown>(
  options: DjangoSessionOptions<T, U>,
): Middleware<SessionState<U>, SessionContext<T>> {
  const { backend } = options;
  const name = backend.settings.SESSION_COOKIE_NAME;
  return async function djangoSessionMiddleware(ctx, next) {
    const key = sessionKeyOfHeader(ctx.get("cookie"), backend.settings);
    const session = backend.getSession(key);
    ctx.session = session;
    ctx.state.user = lazyUser(session as Session<SessionData>, options.user);
    try {
      await next();
    } catch (error) {
      const answer = errorStatus(error, options);
      if (!answer) throw error;
      return replace(ctx, answer);
    }
    if (ctx.respond === false || ctx.status < 200) return;
    try {
      const headers = await commitHeaders(session, key !== null, ctx.status);
      for (
        const [header, value] of sessionHeaderUpdates(headers, (h) => ctx.response.get(h), name)
      ) {
        ctx.set(header, value);
      }
    } catch (error) {
      const answer = errorStatus(error, options);
      if (!answer) throw error;
      replace(ctx, answer);
    }
  };
}

/** Turns the response into the plain-text answer to a session error (a new one, as Django's). */
function replace(ctx: ParameterizedContext, answer: ErrorStatus): void {
  (ctx.body as { destroy?: () => void } | null)?.destroy?.(); // a stream nobody will read
  for (const header of Object.keys(ctx.response.headers)) ctx.remove(header);
  ctx.status = answer.status;
  ctx.body = answer.body;
  ctx.set(answer.headers);
}
