/**
 * h3 middleware for h3 v2 (Nitro 3) and h3 v1 (Nitro 2, Nuxt 3/4): Django's session, user, CSRF
 * token and messages on `event.context`, committed as Django's `SessionMiddleware` does, behind
 * Django's `CsrfViewMiddleware` (on by default). Its own subpath export (`./h3`); it imports
 * nothing from h3 — it reads the event of either version — so one entry serves both.
 *
 * - h3 v2: an onion middleware; the cookies and `Vary` go into the headers h3 prepares for the
 *   handler's value, whatever it is (a string, JSON, a stream, a `Response`, `redirect()`).
 * - h3 v1: a middleware before the handler that holds Node's response from its first write until
 *   the session is saved, so `sendRedirect`, `sendStream` and plain returns all carry the cookie
 *   (h3 v1 on Node: `toNodeListener`, Nitro 2's Node presets and Nuxt's dev server). h3 v1 catches
 *   a handler's error outside any middleware: give the app the middleware's `onError`
 *   (`createApp({ onError: django.onError })`) so that the error page saves nothing; Nitro 2 needs
 *   nothing (it records each request's errors, which the commit reads).
 *
 * A handler that throws saves nothing. The session errors (a session deleted meanwhile, a store
 * that is down, data that cannot be used) are answered by `errorResponse` (400, 503 with
 * `Retry-After`, 500), whether the CSRF check, the handler or the commit threw them.
 *
 * The CSRF form token is read from a copy of the body (h3 v2) or from the body h3 v1 caches, so
 * the handler's `readBody` / `readFormData` still work; `fetch` clients send `X-CSRFToken`.
 *
 * Typing `event.context`: JSR refuses a published `declare module "h3"`, so none is shipped. Read the
 * fields through the middleware's `context(event)`, typed from its options (the `user` loader's
 * return type included), or merge {@linkcode DjangoContext} into h3's `H3EventContext` in your own
 * project (not run here: a doc test wraps its code in a function, where a module declaration
 * cannot stand):
 *
 * ```ts ignore
 * import type { DjangoContext } from "@django-interop/session/h3";
 * import type { DjangoUser } from "@django-interop/session/auth";
 *
 * declare module "h3" {
 *   interface H3EventContext extends DjangoContext<{ cart?: number[] }, DjangoUser> {}
 * }
 * ```
 *
 * @example
 * ```ts
 * import { H3 } from "h3";
 * import { djangoSession } from "@django-interop/session/h3";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const django = djangoSession({ backend });
 * const app = new H3().use(django);
 * app.get("/", async (event) => {
 *   const session = await django.context(event).session.load();
 *   return `user ${session.get("_auth_user_id") ?? "anonymous"}`;
 * });
 * console.log(await (await app.request("/")).text()); // user anonymous
 * ```
 *
 * @module
 */
import type { SessionData } from "../session/store.ts";
import { anonymousResponse, type LoginRequiredOptions } from "../auth/login_required.ts";
import {
  contextOf,
  type DjangoContext,
  type H3EventLike,
  type H3SessionOptions,
  type H3V1Event,
  type H3V2Event,
} from "./h3_event.ts";
import { markFailed, sessionV1 } from "./h3_v1.ts";
import { sessionV2 } from "./h3_v2.ts";

export type {
  DjangoContext,
  H3EventLike,
  H3SessionOptions,
  H3V1Event,
  H3V1Request,
  H3V2Event,
} from "./h3_event.ts";
export type { HeaderValue, NodeResponse } from "./held_response.ts";

/** The middleware {@linkcode djangoSession} returns, for `app.use` under h3 v1 and v2. */
export interface DjangoSessionMiddleware<T extends SessionData = SessionData, U = unknown> {
  /** h3 v2 calls it with `next`, h3 v1 without. */
  (event: H3EventLike, next?: () => unknown): Promise<unknown>;
  /** h3 v1's mark of an event handler (`defineEventHandler`'s), so it takes this one as is. */
  __is_handler__: true;
  /**
   * The request's session, user, CSRF token and messages, typed from the options.
   *
   * @throws {ImproperlyConfigured} when the middleware did not run for `event`
   */
  context(event: { context: object }): DjangoContext<T, U>;
  /**
   * For h3 v1's `createApp({ onError })`: marks the request
   * whose handler threw, so that its error page saves nothing. Not needed under h3 v2 or Nitro 2.
   */
  onError(error: unknown, event: object): void;
}

/**
 * Creates the middleware: each request gets a lazy `session` (no query unless a handler loads it),
 * `user()`, `csrfToken()` and `messages` on `event.context`; an unsafe request whose Origin/Referer
 * or CSRF token does not pass is answered 403 with Django's reason before any handler runs (unless
 * exempt: the `csrfExempt` option, or h3 v2's route `meta: { csrfExempt: true }`); once the handler
 * has answered, the messages, the CSRF cookie and the session are committed as Django's middleware
 * commits them — saved when changed and the status is below 500, the cookie set, refreshed or
 * deleted, `Vary: Cookie`.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user the `user` option finds
 * @param options the backend, the user loader, CSRF exemptions, the failure view, `retryAfter`
 * @returns the middleware, with `context(event)` to read the request's state typed
 * @example
 * ```ts
 * import { H3, readBody, redirect } from "h3";
 * import { djangoSession } from "@django-interop/session/h3";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const django = djangoSession({ backend, csrfExempt: (url) => url.pathname === "/hook" });
 * const app = new H3().use(django);
 * app.post("/cart", async (event) => {
 *   (await django.context(event).session.load()).set("cart", [1]);
 *   return redirect("/");
 * });
 * app.post("/hook", async (event) => ({ got: await readBody(event) }));
 * console.log((await app.request("/cart", { method: "POST" })).status); // 403
 * console.log((await app.request("/hook", { method: "POST", body: "{}" })).status); // 200
 * ```
 */
export function djangoSession<T extends SessionData = SessionData, U = unknown>(
  options: H3SessionOptions<T, U>,
): DjangoSessionMiddleware<T, U> {
  const middleware = function djangoSessionMiddleware(event: H3EventLike, next?: () => unknown) {
    if (typeof next === "function") return sessionV2(event as H3V2Event, next, options);
    return sessionV1(event as H3V1Event, options);
  };
  return Object.assign(middleware, {
    __is_handler__: true as const,
    context: (event: { context: object }) => contextOf<T, U>(event),
    onError: (_error: unknown, event: object) => markFailed(event),
  });
}

/**
 * Django's `login_required` for h3 v1 and v2, after {@linkcode djangoSession} (with its `user`
 * option): anonymous requests are redirected to `LOGIN_URL?next=…` as Django redirects them, or
 * get 401 with `api: true`. A middleware, for `app.use("/orders/**", …)` (v2), a route's
 * `middleware` (v2) or `app.use("/orders", …)` (v1).
 *
 * @param options the login page, the redirect field, `api`
 * @returns the middleware
 * @example
 * ```ts
 * import { H3 } from "h3";
 * import { djangoSession, loginRequired } from "@django-interop/session/h3";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new H3().use(djangoSession({ backend, user: () => Promise.resolve(null) }));
 * app.get("/orders/", () => "orders", { middleware: [loginRequired()] });
 * app.get("/api/orders", () => [], { middleware: [loginRequired({ api: true })] });
 * console.log((await app.request("/orders/")).headers.get("location")); // /accounts/login/?next=/orders/
 * console.log((await app.request("/api/orders")).status); // 401
 * ```
 */
export function loginRequired(
  options: LoginRequiredOptions = {},
): ((event: H3EventLike, next?: () => unknown) => Promise<Response | undefined>) & {
  __is_handler__: true;
} {
  const guard = async function loginRequiredMiddleware(event: H3EventLike, next?: () => unknown) {
    const { session, user } = contextOf(event);
    // Nothing returned: both h3s go on to the handler.
    if (await user() !== null) return undefined;
    const url = next ? (event as H3V2Event).req.url : originalUrl(event as H3V1Event);
    return anonymousResponse(url, session.settings, options);
  };
  return Object.assign(guard, { __is_handler__: true as const });
}

/** An h3 v1 request's URL for the `next` parameter (only its path and query are used). */
function originalUrl(event: H3V1Event): string {
  const { req } = event.node;
  return `http://localhost${req.originalUrl || req.url || "/"}`;
}
