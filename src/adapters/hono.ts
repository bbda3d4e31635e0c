/**
 * Hono middleware: Django's session on `c.var.session`, committed as Django's `SessionMiddleware`
 * does. Its own subpath export (`./hono`), so the main entry never needs Hono.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { djangoSession, type SessionEnv } from "@django-interop/session/hono";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new Hono<SessionEnv>();
 * app.use(djangoSession({ backend }));
 * app.get("/", async (c) => {
 *   const session = await c.var.session.load();
 *   return c.text(`user ${session.get("_auth_user_id") ?? "anonymous"}`);
 * });
 * console.log(await (await app.request("/")).text()); // user anonymous
 * ```
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { DjangoUser } from "../auth/user_model.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { commitSession, sessionKeyOf } from "../http/respond.ts";
import { lazyUser, withCookies, type WithSessionOptions } from "../http/with_session.ts";
import { type RequestMessages, requestMessages } from "../messages/request_messages.ts";
import { anonymousResponse, type LoginRequiredOptions } from "../auth/login_required.ts";

/**
 * The Hono environment {@linkcode djangoSession} provides: `c.var.session`. A typed `Env` rather than
 * a `declare module "hono"` augmentation of `ContextVariableMap`, because JSR rejects ambient module
 * declarations; Hono merges it into every route registered after `app.use(djangoSession(...))` in a
 * chain, and `new Hono<SessionEnv<MyData>>()` types it everywhere.
 *
 * @typeParam T the shape of the session data
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import type { SessionEnv } from "@django-interop/session/hono";
 * const app = new Hono<SessionEnv<{ cart: number[] }>>();
 * app.get("/cart", async (c) => c.json((await c.var.session.load()).get("cart") ?? []));
 * ```
 */
export type SessionEnv<T extends SessionData = SessionData, U = DjangoUser> = {
  Variables: {
    /** The request's lazy Django session. */
    session: Session<T>;
    /** The request's user from the `user` option, looked up on the first call only. */
    user: () => Promise<U | null>;
    /** The request's Django messages, committed before the session. */
    messages: RequestMessages;
  };
};

/**
 * Creates the middleware: each request gets a lazy session on `c.var.session` (no query unless a
 * handler loads it); after the handlers, the session is saved when it changed and the cookie set,
 * refreshed or deleted as Django does. A handler that threw (Hono's `c.error`) saves nothing.
 *
 * @typeParam T the shape of the session data
 * @param options the backend (its settings name and write the cookie) and the user loader
 * @returns the middleware
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { djangoSession, type SessionEnv } from "@django-interop/session/hono";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({
 *   SECRET_KEY: "django-insecure-key",
 *   SESSION_COOKIE_SECURE: true,
 * });
 * const app = new Hono<SessionEnv>().use(djangoSession({ backend }));
 * app.post("/cart", async (c) => {
 *   (await c.var.session.load()).set("cart", [1]);
 *   return c.text("added");
 * });
 * const response = await app.request("/cart", { method: "POST" });
 * console.log(response.headers.get("set-cookie")?.includes("; Secure")); // true
 * ```
 */
export function djangoSession<T extends SessionData = SessionData, U = unknown>(
  options: WithSessionOptions<T, U>,
): MiddlewareHandler<SessionEnv<T, U>> {
  const { backend } = options;
  return async function djangoSessionMiddleware(c, next) {
    const key = sessionKeyOf(c.req.raw, backend.settings);
    const session = backend.getSession(key);
    c.set("session", session);
    c.set("user", lazyUser(session as Session<SessionData>, options.user));
    const messages = requestMessages(session, c.req.header("cookie") ?? null);
    c.set("messages", messages);
    await next();
    if (c.error) return;
    const cookies = await messages.commit();
    const response = withCookies(await commitSession(session, c.res, key !== null), cookies);
    if (response === c.res) return;
    // Hono's `res` setter copies the previous response's headers over the new one, which would
    // put back the old Vary and Set-Cookie; clearing it first hands ours over as is.
    c.res = undefined;
    c.res = response;
  };
}

/**
 * Django's `login_required` as Hono middleware, after {@linkcode djangoSession} (with its `user`
 * option): anonymous requests are redirected to `LOGIN_URL?next=…` as Django redirects them, or
 * get 401 with `api: true`.
 *
 * @param options the login page, the redirect field, `api`
 * @returns the middleware
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { djangoSession, loginRequired, type SessionEnv } from "@django-interop/session/hono";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new Hono<SessionEnv>().use(djangoSession({ backend, user: () => Promise.resolve(null) }));
 * app.get("/orders/", loginRequired(), (c) => c.text("orders"));
 * app.get("/api/orders", loginRequired({ api: true }), (c) => c.json([]));
 * console.log((await app.request("/orders/")).headers.get("location")); // /accounts/login/?next=/orders/
 * console.log((await app.request("/api/orders")).status); // 401
 * ```
 */
export function loginRequired<T extends SessionData = SessionData, U = unknown>(
  options: LoginRequiredOptions = {},
): MiddlewareHandler<SessionEnv<T, U>> {
  return async function loginRequiredMiddleware(c, next) {
    if (await c.var.user() !== null) return await next();
    return anonymousResponse(c.req.url, c.var.session.settings, options);
  };
}
