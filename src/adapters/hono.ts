/**
 * Hono middleware: Django's session on `c.var.session`, committed as Django's `SessionMiddleware`
 * does, behind Django's `CsrfViewMiddleware` (on by default; {@linkcode csrfExempt} per route).
 * Its own subpath export (`./hono`), so the main entry never needs Hono.
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
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { DjangoUser } from "../auth/user_model.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import type { RequestMessages } from "../messages/request_messages.ts";
import { anonymousResponse, type LoginRequiredOptions } from "../auth/login_required.ts";
import { errorResponse } from "../http/error_response.ts";
import { csrfChecked } from "../csrf/check.ts";
import {
  closeRequest,
  failedRequest,
  openRequest,
  refusal,
  type RequestOptions,
} from "./request.ts";

export type { CsrfFailureView, RequestOptions } from "./request.ts";
/** Hono's own middleware type, which this module's middleware have. */
export type { MiddlewareHandler } from "hono";

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
    /** Django's `get_token`: a masked CSRF token for a form or header (sends the cookie). */
    csrfToken: () => string;
  };
};

/**
 * Marks a route CSRF-exempt (Django's `@csrf_exempt`): put it before the route's handler. For
 * routes that do not rely on the session cookie, e.g. a bearer-token API or a signed webhook.
 *
 * @param _c the context
 * @param next the route's handler
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { csrfExempt, djangoSession, type SessionEnv } from "@django-interop/session/hono";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const app = new Hono<SessionEnv>().use(djangoSession({ backend: new SignedCookieBackend({ SECRET_KEY: "k" }) }));
 * app.post("/webhook", csrfExempt, (c) => c.text("received"));
 * app.post("/cart", (c) => c.text("added"));
 * console.log((await app.request("/webhook", { method: "POST" })).status); // 200
 * console.log((await app.request("/cart", { method: "POST" })).status); // 403
 * ```
 */
export const csrfExempt: MiddlewareHandler = async function csrfExempt(_c, next) {
  await next();
};

/**
 * Creates the middleware: each request gets a lazy session on `c.var.session` (no query unless a
 * handler loads it) and `c.var.csrfToken()`; an unsafe request whose Origin/Referer or CSRF token
 * does not pass is answered 403 with Django's reason, before any handler runs (unless the route
 * has {@linkcode csrfExempt}); after the handlers, the CSRF cookie is set when the token was used
 * or rotated, and the session is saved when it changed and the cookie set, refreshed or deleted
 * as Django does. A handler that threw (Hono's `c.error`) saves nothing; the session errors,
 * thrown by a handler, the CSRF check or the commit, are answered by `errorResponse` (400, 503
 * with `Retry-After`, 500), as in `withSession`.
 *
 * @typeParam T the shape of the session data
 * @param options the backend (its settings name and write the cookies), the user loader and the
 *   CSRF failure view
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
 * app.get("/cart", (c) => c.html(`<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="${c.var.csrfToken()}"></form>`));
 * app.post("/cart", async (c) => {
 *   (await c.var.session.load()).set("cart", [1]);
 *   return c.text("added");
 * });
 * const page = await app.request("https://shop.example/cart");
 * const token = (await page.text()).match(/value="(\w+)"/)![1];
 * const cookie = page.headers.get("set-cookie")!.split(";")[0];
 * const response = await app.request("https://shop.example/cart", {
 *   method: "POST",
 *   headers: { cookie, origin: "https://shop.example", "x-csrftoken": token },
 * });
 * console.log(response.status, response.headers.get("set-cookie")?.includes("; Secure")); // 200 true
 * ```
 */
export function djangoSession<T extends SessionData = SessionData, U = unknown>(
  options: RequestOptions<T, U>,
): MiddlewareHandler<SessionEnv<T, U>> {
  return async function djangoSessionMiddleware(c, next) {
    // Which routes matched is looked up only where it matters: safe methods are never checked.
    const exempt = csrfChecked(c.req.method) &&
      matchedRoutes(c).some((route) => route.handler === csrfExempt);
    let open;
    try {
      open = await openRequest(c.req.raw, options, exempt);
    } catch (error) {
      return failedRequest(error, options);
    }
    const { session, csrf } = open;
    c.set("session", session);
    c.set("user", open.user);
    c.set("csrfToken", () => csrf.csrf.token());
    c.set("messages", open.messages);
    if (csrf.ok) {
      await next();
      // A handler's session error (StoreUnavailable from load(), …) gets the shared answer.
      if (c.error) return replaceResponse(c, errorResponse(c.error, options) ?? c.res);
    } else {
      c.res = await refusal(c.req.raw, csrf, options);
    }
    let response: Response;
    try {
      response = await closeRequest(open, c.res);
    } catch (error) {
      response = failedRequest(error, options);
    }
    replaceResponse(c, response);
  };
}

function replaceResponse(c: Context, response: Response): void {
  if (response === c.res) return;
  // Hono's `res` setter copies the previous response's headers over the new one, which would
  // put back the old Vary and Set-Cookie; clearing it first hands ours over as is.
  c.res = undefined;
  c.res = response;
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
