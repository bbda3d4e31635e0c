/**
 * Hono middleware: Django's session on `c.var.session`, committed as Django's `SessionMiddleware`
 * does. Its own subpath export (`./hono`), so the main entry never needs Hono.
 *
 * @example
 * ```ts ignore
 * import { Hono } from "hono";
 * import { djangoSession, type SessionEnv } from "@django-interop/session/hono";
 * const app = new Hono<SessionEnv>();
 * app.use(djangoSession({ backend }));
 * app.get("/", async (c) => {
 *   const session = await c.var.session.load();
 *   return c.text(`user ${session.get("_auth_user_id") ?? "anonymous"}`);
 * });
 * ```
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { cookieSettings } from "../http/options.ts";
import { errorResponse } from "../http/error_response.ts";
import { commitSession, sessionKeyOf } from "../http/respond.ts";
import { lazyUser, type WithSessionOptions } from "../http/with_session.ts";

/**
 * The Hono environment {@linkcode djangoSession} provides: `c.var.session`. A typed `Env` rather than
 * a `declare module "hono"` augmentation of `ContextVariableMap`, because JSR rejects ambient module
 * declarations; Hono merges it into every route registered after `app.use(djangoSession(...))` in a
 * chain, and `new Hono<SessionEnv<MyData>>()` types it everywhere.
 *
 * @typeParam T the shape of the session data
 * @example
 * ```ts ignore
 * const app = new Hono<SessionEnv<{ cart: number[] }>>();
 * ```
 */
export type SessionEnv<T extends SessionData = SessionData, U = unknown> = {
  Variables: {
    /** The request's lazy Django session. */
    session: Session<T>;
    /** The request's user from the `user` option, looked up on the first call only. */
    user: () => Promise<U | null>;
  };
};

/**
 * Creates the middleware: each request gets a lazy session on `c.var.session` (no query unless a
 * handler loads it); after the handlers, the session is saved when it changed and the cookie set,
 * refreshed or deleted as Django does. A handler that threw (Hono's `c.error`) saves nothing; the
 * session errors, thrown by a handler or by the commit, are answered by `errorResponse` (400, 503
 * with `Retry-After`, 500), as in `withSession`.
 *
 * @typeParam T the shape of the session data
 * @param options the backend and Django's cookie settings
 * @returns the middleware
 * @throws {ImproperlyConfigured} at creation, for a cookie setting Django would refuse
 * @example
 * ```ts ignore
 * const app = new Hono<SessionEnv>().use(djangoSession({ backend, cookieSecure: true }));
 * ```
 */
export function djangoSession<T extends SessionData = SessionData, U = unknown>(
  options: WithSessionOptions<T, U>,
): MiddlewareHandler<SessionEnv<T, U>> {
  const settings = cookieSettings(options);
  const { backend } = options;
  return async function djangoSessionMiddleware(c, next) {
    const key = sessionKeyOf(c.req.raw, settings);
    const session = backend.getSession(key);
    c.set("session", session);
    c.set("user", lazyUser(session as Session<SessionData>, options.user));
    await next();
    let response: Response;
    if (c.error) {
      // A handler's session error (StoreUnavailable from load(), …) gets the shared answer.
      response = errorResponse(c.error, options) ?? c.res;
    } else {
      try {
        response = await commitSession(session, c.res, key !== null, settings);
      } catch (error) {
        response = errorResponse(error, options) ?? await Promise.reject(error);
      }
    }
    if (response === c.res) return;
    // Hono's `res` setter copies the previous response's headers over the new one, which would
    // put back the old Vary and Set-Cookie; clearing it first hands ours over as is.
    c.res = undefined;
    c.res = response;
  };
}
