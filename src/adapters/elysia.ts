/**
 * Elysia plugin: Django's `SessionMiddleware`, `CsrfViewMiddleware` and `MessageMiddleware` in
 * Django's default order — `session`, `user`, `csrfToken` (Django's `get_token`) and `messages` in
 * every handler's context. Elysia keeps its own server (`app.listen`), `.ws()` and `redirect()`.
 * Its own subpath export (`./elysia`), so the main entry never needs Elysia.
 *
 * CSRF is checked in `onRequest`, before routing and before Elysia parses the body: an unsafe
 * request (not GET, HEAD, OPTIONS, TRACE) whose Origin, Referer or token does not pass is answered
 * 403 with Django's reason (or by the `csrfFailure` option's `Response`) and no handler runs. The
 * form's `csrfmiddlewaretoken` is read from a clone of the body, so a handler's `body` (Elysia's
 * parsed form, or `request.formData()` with `parse: "none"`) is whole; JSON and `fetch` clients
 * send `X-CSRFToken`. Because no route is matched yet, routes are exempted (Django's
 * `@csrf_exempt`) by the `csrfExempt: (request) => boolean` option, as for `withSession`. The
 * scheme is the request URL's; behind a TLS-terminating proxy, `trustProxy: true` takes it from
 * `X-Forwarded-Proto` (Elysia has no proxy setting of its own), so that Django's Origin and strict
 * Referer checks see the `https://` the browser used.
 *
 * @example
 * ```ts
 * import { Elysia } from "elysia";
 * import { djangoSession } from "@django-interop/session/elysia";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new Elysia().use(djangoSession({ backend })).get("/", async ({ session }) => {
 *   await session.load();
 *   return `user ${session.get("_auth_user_id") ?? "anonymous"}`;
 * });
 * console.log(await (await app.handle(new Request("http://localhost/"))).text()); // user anonymous
 * ```
 *
 * @module
 */
// Elysia's generics are invariant and spell "nothing" as `{}`; the plugin's type must match them.
// deno-lint-ignore-file ban-types
import { Elysia, ElysiaCustomStatusResponse, StatusMap } from "elysia";
import { errorResponse } from "../http/error_response.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import type { RequestMessages } from "../messages/request_messages.ts";
import {
  closeHeaders,
  closeRequest,
  failedRequest,
  type OpenRequest,
  openRequestLine,
  refusal,
  type RequestLine,
  type RequestOptions,
} from "./request.ts";
import { formTokenReader } from "../csrf/form.ts";
import { anonymousResponse, type LoginRequiredOptions } from "../auth/login_required.ts";

export type { CsrfFailureView } from "./request.ts";
export type { LoginRequiredOptions } from "../auth/login_required.ts";
/** Elysia's own class, the type the plugin extends. */
export type { Elysia } from "elysia";

/** Each request's URL as the plugin saw it (`trustProxy`'s scheme), for {@linkcode loginRequired}. */
const requestUrls = new WeakMap<Request, string>();

/**
 * The plugin {@linkcode djangoSession} returns: every handler after `app.use(...)` has `session`,
 * `user`, `csrfToken` and `messages` in its context.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user the `user` option finds
 */
export type DjangoSessionPlugin<T extends SessionData = SessionData, U = unknown> = Elysia<
  "",
  {
    decorator: {};
    store: {};
    derive: {
      /** The request's lazy Django session. */
      readonly session: Session<T>;
      /** The request's user from the `user` option, looked up on the first call only. */
      readonly user: () => Promise<U | null>;
      /** Django's `get_token`: a masked CSRF token for a form or header (sends the cookie). */
      readonly csrfToken: () => string;
      /** The request's Django messages, stored before the session is saved. */
      readonly messages: RequestMessages;
    };
    resolve: {};
  },
  { typebox: {}; error: {} },
  {
    schema: {};
    standaloneSchema: {};
    macro: {};
    macroFn: {};
    parser: {};
    response: { 200: Response };
  },
  {},
  { derive: {}; resolve: {}; schema: {}; standaloneSchema: {}; response: {} },
  { derive: {}; resolve: {}; schema: {}; standaloneSchema: {}; response: { 200: Response } }
>;

/** Options of {@linkcode djangoSession}. */
export interface DjangoSessionOptions<T extends SessionData = SessionData, U = unknown>
  extends RequestOptions<T, U> {
  /**
   * Which requests skip the CSRF check (Django's `@csrf_exempt`), asked before routing, e.g. an
   * API authenticated by a bearer token rather than by the session cookie:
   * `(request) => new URL(request.url).pathname.startsWith("/api/")`. Tokens still work there.
   *
   * @default undefined (every unsafe request is checked)
   */
  csrfExempt?: (request: Request) => boolean;
  /**
   * Behind a TLS-terminating proxy: the request's scheme is `X-Forwarded-Proto`'s first value
   * (Django's `SECURE_PROXY_SSL_HEADER`, Koa's `app.proxy`). Set it only when the proxy sets or
   * strips that header: a client could otherwise claim HTTPS.
   *
   * @default false (the scheme of `request.url`)
   */
  trustProxy?: boolean;
}

/** The request as the CSRF check reads it: its URL with the proxy's scheme, the form token. */
function requestLine(request: Request, trustProxy: boolean): RequestLine {
  const { method, url, headers } = request;
  const proto = trustProxy
    ? headers.get("x-forwarded-proto")?.split(",")[0].trim().toLowerCase()
    : undefined;
  const scheme = proto === "https" || proto === "http" ? proto : null;
  return {
    method,
    url: scheme ? scheme + url.slice(url.indexOf(":")) : url,
    headers,
    formToken: formTokenReader(request),
  };
}

/** The status a handler's value will be sent with: a `Response`'s, `status()`'s, or `set.status`. */
function statusOf(value: unknown, status: number | keyof StatusMap | undefined): number {
  if (value instanceof Response) return value.status;
  if (value instanceof ElysiaCustomStatusResponse) return value.code;
  if (typeof status === "string") return StatusMap[status];
  return status ?? 200;
}

/**
 * Creates the plugin. Before routing, each request gets a lazy session (no query unless a handler
 * loads it), a lazy `user()`, `csrfToken()` and `messages`, and an unsafe request that fails
 * Django's CSRF check is answered 403 (or by `csrfFailure`) without running a handler. After the
 * handler, the messages are stored, the CSRF cookie is set when the token was used or rotated (by
 * `login()`), and the session is saved when it changed and the status is below 500, its cookie set,
 * refreshed or deleted as Django does. A handler that throws saves nothing; the session errors are
 * answered by `errorResponse` (400, 503 with `Retry-After`, 500). For a value that is not a
 * `Response`, the cookies go in `set.headers`: set other cookies there too, since Elysia's `cookie`
 * jar, when used, replaces `set.headers["set-cookie"]`.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user the `user` option finds
 * @param options the backend (its settings name and write the cookies), the user loader, the CSRF
 *   exemption and failure view, `retryAfter`
 * @returns the plugin, for `app.use(...)`
 * @example
 * ```ts
 * import { Elysia } from "elysia";
 * import { djangoSession } from "@django-interop/session/elysia";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new Elysia()
 *   .use(djangoSession({ backend, csrfExempt: (r) => new URL(r.url).pathname === "/hook" }))
 *   .get("/cart", ({ csrfToken }) => `<input name="csrfmiddlewaretoken" value="${csrfToken()}">`)
 *   .post("/cart", async ({ session, body }) => {
 *     (await session.load()).set("cart", [(body as { item: string }).item]);
 *     return "added";
 *   })
 *   .post("/hook", () => "received");
 * const page = await app.handle(new Request("http://localhost/cart"));
 * const token = (await page.text()).match(/value="(\w+)"/)![1];
 * const headers = { cookie: page.headers.get("set-cookie")!.split(";")[0], origin: "http://localhost" };
 * const post = (path: string, fields: Record<string, string>) =>
 *   app.handle(new Request(`http://localhost${path}`, { method: "POST", headers, body: new URLSearchParams(fields) }));
 * console.log((await post("/cart", { item: "tea" })).status); // 403 (CSRF token missing.)
 * console.log(await (await post("/cart", { item: "tea", csrfmiddlewaretoken: token })).text()); // added
 * console.log((await post("/hook", {})).status); // 200
 * ```
 */
export function djangoSession<T extends SessionData = SessionData, U = unknown>(
  options: DjangoSessionOptions<T, U>,
): DjangoSessionPlugin<T, U> {
  const { backend, csrfExempt = () => false, trustProxy = false } = options;
  const requests = new WeakMap<Request, OpenRequest<T, U>>();
  return new Elysia({ name: "django-session", seed: backend })
    .onRequest(async function checkRequest({ request }) {
      try {
        // Before Elysia's parser reads the body: the form token comes from a clone of it.
        const line = requestLine(request, trustProxy);
        const open = await openRequestLine(line, options, csrfExempt(request));
        requestUrls.set(request, line.url);
        if (open.csrf.ok) return void requests.set(request, open);
        return await closeRequest(open, await refusal(request, open.csrf, options));
      } catch (error) {
        return failedRequest(error, options);
      }
    })
    .onError({ as: "global" }, function sessionErrors({ error }) {
      // The shared answer (400, 503 + Retry-After, 500); `undefined` leaves the rest to Elysia.
      return errorResponse(error, options) ?? undefined;
    })
    .derive({ as: "global" }, function requestState({ request }) {
      const { session, user, csrf, messages } = requests.get(request)!;
      return { session, user, csrfToken: () => csrf.csrf.token(), messages };
    })
    .onAfterHandle({ as: "global" }, async function commit({ request, responseValue, set }) {
      const open = requests.get(request);
      if (!open) return;
      if (responseValue instanceof Response) return closeRequest(open, responseValue);
      const headers = set.headers as Record<string, string | number | string[] | undefined>;
      const status = statusOf(responseValue, set.status);
      for (const [header, value] of await closeHeaders(open, status, (h) => headers[h])) {
        headers[header] = value;
      }
    });
}

/** What {@linkcode loginRequired} reads of an Elysia context the plugin derived. */
export interface GuardContext {
  /** The request. */
  request: Request;
  /** The request's session (its settings name `LOGIN_URL`). */
  session: Session<SessionData>;
  /** The request's user, `null` when anonymous. */
  user: () => Promise<unknown>;
}

/**
 * Django's `login_required` as an Elysia `beforeHandle` hook: a route's own
 * (`{ beforeHandle: loginRequired() }`), a `guard({ beforeHandle })` group's, or
 * `onBeforeHandle`. An anonymous request (`user()` is `null`; give `djangoSession` its `user`
 * option) is answered with Django's redirect to `LOGIN_URL?next=…` (the URL `trustProxy` gives),
 * or `401` with `{ api: true }`, and the handler does not run; the session's commit still follows.
 *
 * @param options the login page (default `LOGIN_URL`), the redirect field, `api`
 * @returns the hook, after `app.use(djangoSession(...))`
 * @example
 * ```ts
 * import { Elysia } from "elysia";
 * import { djangoSession, loginRequired } from "@django-interop/session/elysia";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new Elysia()
 *   .use(djangoSession({ backend, user: async (s) => (await s.load()).get("_auth_user_id") ?? null }))
 *   .get("/orders/", () => "orders", { beforeHandle: loginRequired() })
 *   .get("/api/orders", () => [], { beforeHandle: loginRequired({ api: true }) });
 * const page = await app.handle(new Request("http://localhost/orders/?page=2"));
 * console.log(page.status, page.headers.get("location")); // 302 /accounts/login/?next=/orders/%3Fpage%3D2
 * console.log((await app.handle(new Request("http://localhost/api/orders"))).status); // 401
 * ```
 */
export function loginRequired(
  options: LoginRequiredOptions = {},
): (context: GuardContext) => Promise<Response | undefined> {
  return async function loginRequiredHook({ request, session, user }) {
    if (await user() !== null) return undefined;
    return anonymousResponse(requestUrls.get(request) ?? request.url, session.settings, options);
  };
}
