/**
 * Express, Connect and NestJS middleware: Django's `SessionMiddleware`, `CsrfViewMiddleware` and
 * `MessageMiddleware` in one. Each request gets its lazy session on `req.session`, the user on
 * `req.user()`, Django's `get_token` on `req.csrfToken()` and its messages on `req.messages`; they
 * are committed as Django commits them — before the first byte of the response leaves, whichever
 * way it is sent (`res.send`, `res.json`, `res.redirect`, `res.sendFile`, `res.writeHead`,
 * `res.write`, a piped stream). Its own subpath export (`./express`); it needs nothing from
 * Express itself, only Node's `(req, res, next)` shape.
 *
 * CSRF protection is on, as in Django's default `MIDDLEWARE`. The check runs in the middleware,
 * before `next()`: an unsafe request (POST, PUT, PATCH, DELETE…) whose Origin, Referer or token
 * does not pass is answered 403 with Django's reason, and no route runs. So:
 *
 * - **Mount the body parsers before `djangoSession`**: the form's `csrfmiddlewaretoken` is read
 *   from `req.body` — `express.urlencoded()` for forms, multer (`multer().none()`…) for multipart.
 *   JSON and `fetch` clients send the `X-CSRFToken` header instead. NestJS parses bodies before
 *   any module middleware.
 * - **Behind a TLS-terminating proxy, trust it** (`app.set("trust proxy", 1)`): the scheme is
 *   `req.protocol`, and an HTTPS request is held to Django's strict Referer check. The host is the
 *   `Host` header, as Django's `get_host()` reads it (without `USE_X_FORWARDED_HOST`).
 * - **Exempt a route** (Django's `@csrf_exempt`) with the `csrfExempt` option,
 *   `(req, path) => path.startsWith("/api/")`. There is no route-level marker: Express matches
 *   routes after this middleware has answered, so a marker would only work with the check moved
 *   into each route — protection the app would have to remember, not on by default.
 *
 * Typing `req.session`: JSR refuses ambient `declare global` in a published module, so none is
 * shipped. Read them through {@linkcode sessionOf} / {@linkcode userOf} / {@linkcode csrfTokenOf}
 * / {@linkcode messagesOf}, or merge them into Express's `Request` in your own project (not run
 * here: a doc test wraps its code in a function, where a global declaration cannot stand):
 *
 * ```ts ignore
 * import type { SessionFields } from "@django-interop/session/express";
 * import type { DjangoUser } from "@django-interop/session/auth";
 *
 * declare global {
 *   namespace Express {
 *     // `req.session`, `req.user()`, `req.csrfToken()`, `req.messages`, for your session's shape
 *     interface Request extends SessionFields<{ cart?: number[] }, DjangoUser> {}
 *   }
 * }
 * ```
 *
 * @example
 * ```ts
 * import express from "express";
 * import { csrfTokenOf, djangoSession, sessionOf } from "@django-interop/session/express";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const app = express();
 * app.use(express.urlencoded({ extended: false })); // before djangoSession: the form token is in req.body
 * app.use(djangoSession({ backend: new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" }) }));
 * app.get("/", (req, res) => {
 *   res.send(`<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="${csrfTokenOf(req)}"></form>`);
 * });
 * app.post("/", async (req, res) => {
 *   (await sessionOf(req).load()).set("cart", [1]);
 *   res.send("added");
 * });
 * const server = app.listen(0);
 * await new Promise((resolve) => server.once("listening", resolve));
 * const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
 * const page = await fetch(origin);
 * const token = (await page.text()).match(/value="(\w+)"/)![1];
 * const cookie = page.headers.get("set-cookie")!.split(";")[0]; // csrftoken=…
 * const post = (body: string) =>
 *   fetch(origin, {
 *     method: "POST",
 *     headers: { cookie, origin, "content-type": "application/x-www-form-urlencoded" },
 *     body,
 *   });
 * console.log((await post(`csrfmiddlewaretoken=${token}`)).status); // 200
 * console.log((await post("")).status); // 403 (CSRF token missing.)
 * server.close();
 * ```
 *
 * @module
 */
import type { CsrfFailure } from "../errors.ts";
import { errorStatus } from "../http/error_response.ts";
import type { SessionOptions } from "../http/with_session.ts";
import { csrfFailureBody } from "../csrf/commit.ts";
import type { CsrfOutcome } from "../csrf/check.ts";
import { parsedFormToken } from "../csrf/form.ts";
import type { SessionData } from "../session/store.ts";
import { holdResponse, type NodeResponse } from "./held_response.ts";
import { errorPage, type ErrorPageOptions } from "./express_errors.ts";
import { type Commit, committed } from "./express_commit.ts";
import { type SessionFields, sessionOf, userOf } from "./express_fields.ts";
import { anonymousResponse, type LoginRequiredOptions } from "../auth/login_required.ts";
import { LazyRequestLine, type LineReader, type OpenRequest, openRequestLine } from "./request.ts";

export type { HeaderValue, NodeResponse } from "./held_response.ts";
export type { ErrorPageOptions } from "./express_errors.ts";
export {
  csrfTokenOf,
  messagesOf,
  type SessionFields,
  sessionOf,
  userOf,
} from "./express_fields.ts";

/** The parts of Node's `IncomingMessage` (and Express's `Request`) the middleware reads. */
export interface NodeRequest {
  /** The request method. */
  method?: string;
  /** The request path (after a mount point, in Express). */
  url?: string;
  /** Express's whole request path, before any mount point was taken off. */
  originalUrl?: string;
  /** Express's scheme: `"https"` behind a proxy the app trusts (`trust proxy`). */
  protocol?: string;
  /** The request headers, lowercase (`cookie`, `host`, `origin`, `referer`, `x-csrftoken`…). */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body a parser mounted before the middleware made (`express.urlencoded()`, multer). */
  body?: unknown;
  /** The connection: a TLS socket is `encrypted` (the scheme where there is no `protocol`). */
  socket?: object;
}

/** Options of {@linkcode djangoSession}. */
export interface ExpressSessionOptions<T extends SessionData = SessionData, U = unknown>
  extends SessionOptions<T, U>, ErrorPageOptions {
  /**
   * Receives the errors the response can no longer report: a failed save (answered 400, 503 or 500)
   * and `SessionChangedAfterHeaders`.
   *
   * @default console.error
   */
  onError?: (error: unknown) => void;
  /**
   * Which requests skip the CSRF check (Django's `@csrf_exempt`), e.g. an API authenticated by a
   * bearer token rather than by the session cookie: `(req, path) => path.startsWith("/api/")`.
   * `path` is the whole request path without the query (Express's `req.originalUrl`, so a Nest or
   * router mount point does not hide it). Tokens still work on exempt routes.
   *
   * @param req the request (annotate it `express.Request` to read Express's fields)
   * @param path the request path
   * @default undefined (every unsafe request is checked)
   */
  csrfExempt?(req: NodeRequest, path: string): boolean;
  /**
   * Answers a request CSRF refused (Django's `CSRF_FAILURE_VIEW`); `error.reason` is Django's
   * reason. The answer is committed like any other (a rotated CSRF cookie is sent). A rejection
   * goes to Express's error handler.
   *
   * @param error the refusal
   * @param req the request (annotate it `express.Request` to read Express's fields)
   * @param res the response (annotate it `express.Response` for `res.status(403).render(…)`)
   * @default a plain-text 403 with Django's reason (`csrfFailureBody`)
   */
  csrfFailure?(error: CsrfFailure, req: NodeRequest, res: NodeResponse): unknown;
}

/** A Connect-style middleware, for `app.use(...)` and Nest's `MiddlewareConsumer`. */
export type NodeMiddleware = (
  req: NodeRequest,
  res: NodeResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Creates the middleware. Before `next()`: a lazy `req.session`, `req.user()`, `req.csrfToken()`
 * and `req.messages`, and Django's CSRF check — a refused request is answered 403 (or by
 * `csrfFailure`) and no route runs. Then the response is held at its first write until the
 * messages, the CSRF cookie and the session are committed, as Django's middleware decides: the
 * session saved when it changed (or `SESSION_SAVE_EVERY_REQUEST`) and the status is below 500,
 * the cookies set and `Vary: Cookie`. A thrown handler or `next(err)` ends in Express's error
 * handler; its 500 saves nothing (an error handler answering below 500 commits, as Django does
 * after `Http404`). A session deleted meanwhile answers 400, a store that is down 503 with
 * `Retry-After`; a session changed after the headers left is reported as
 * `SessionChangedAfterHeaders`.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user type the `user` option returns
 * @param options the backend, the user loader, CSRF exemptions and failure answer, the 503 status
 *   and where late errors go
 * @returns a Connect-style `(req, res, next)` middleware (`app.use(...)`, Nest's `MiddlewareConsumer`)
 * @example
 * ```ts
 * import express from "express";
 * import { djangoSession, sessionOf } from "@django-interop/session/express";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = express().use(express.json()).use(djangoSession({
 *   backend,
 *   csrfExempt: (_req, path) => path.startsWith("/api/"), // authenticated by a bearer token
 *   csrfFailure: (error, _req, res) => {
 *     res.statusCode = 403;
 *     res.end(`refused: ${error.reason}`);
 *   },
 * }));
 * app.post("/api/cart", async (req, res) => {
 *   (await sessionOf(req).load()).set("cart", [1]);
 *   res.redirect(303, "/");
 * });
 * app.post("/cart", (_req, res) => void res.send("added"));
 * const server = app.listen(0);
 * await new Promise((resolve) => server.once("listening", resolve));
 * const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
 * const api = await fetch(`${url}/api/cart`, { method: "POST", redirect: "manual" });
 * console.log(api.status, api.headers.get("vary"), api.headers.has("set-cookie")); // 303 Accept, Cookie true
 * console.log(await (await fetch(`${url}/cart`, { method: "POST" })).text()); // refused: CSRF cookie not set.
 * server.close();
 * ```
 */
export function djangoSession<T extends SessionData = SessionData, U = unknown>(
  options: ExpressSessionOptions<T, U>,
): NodeMiddleware {
  const opening = { backend: options.backend, user: options.user };
  const commit: Commit = { pages: options, onError: options.onError ?? console.error };
  return function djangoSessionMiddleware(req, res, next) {
    const exempt = options.csrfExempt?.(req, pathOf(req)) ?? false;
    let open;
    try {
      open = openRequestLine(requestLine(req), opening, exempt);
    } catch (error) {
      return notOpened(error, options, res, next);
    }
    // A GET is opened synchronously: the route runs in this tick, as without the middleware.
    if (!(open instanceof Promise)) return opened(open, options, commit, req, res, next);
    open.then(
      (state) => opened(state, options, commit, req, res, next),
      (error) => notOpened(error, options, res, next),
    ).catch(next);
  };
}

/** A store that is down (503) or another session error, answered; anything else goes to `next`. */
function notOpened(
  error: unknown,
  options: ErrorPageOptions,
  res: NodeResponse,
  next: (error?: unknown) => void,
): void {
  if (errorStatus(error, options) === null) return next(error);
  const page = errorPage(error, options);
  res.writeHead(page.status, page.headers);
  res.end(page.body);
}

/** The request as the CSRF check reads it: the scheme is Express's, the host the `Host` header. */
const EXPRESS_LINE: LineReader<NodeRequest> = {
  url(req) {
    const tls = (req.socket as { encrypted?: boolean } | undefined)?.encrypted;
    const scheme = req.protocol ?? (tls ? "https" : "http");
    return `${scheme}://${req.headers.host ?? "localhost"}${req.originalUrl ?? req.url ?? "/"}`;
  },
  formToken: (req) => parsedFormToken(req.headers["content-type"] as string | undefined, req.body),
};

function requestLine(req: NodeRequest): LazyRequestLine<NodeRequest> {
  return new LazyRequestLine(req, req.method ?? "GET", req.headers, EXPRESS_LINE);
}

function pathOf(req: NodeRequest): string {
  const url = req.originalUrl ?? req.url ?? "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/** Hands the request its fields and holds the response for the commit; then routes or refuses. */
function opened<T extends SessionData, U>(
  open: OpenRequest<T, U>,
  options: ExpressSessionOptions<T, U>,
  commit: Commit,
  req: NodeRequest,
  res: NodeResponse,
  next: (error?: unknown) => void,
): void {
  const fields = req as NodeRequest & SessionFields<T, U>;
  const { csrf } = open;
  fields.session = open.session;
  fields.user = open.user;
  fields.csrfToken = () => csrf.csrf.token();
  fields.messages = open.messages;
  holdResponse(res, (status) => committed(commit, open, req, res, status));
  if (csrf.ok) return next();
  refuse(csrf, options, req, res, next);
}

/** The `csrfFailure` option's answer, or Django's plain-text 403. */
function refuse(
  outcome: Extract<CsrfOutcome, { ok: false }>,
  options: Pick<ExpressSessionOptions, "csrfFailure">,
  req: NodeRequest,
  res: NodeResponse,
  next: (error?: unknown) => void,
): void {
  if (options.csrfFailure) {
    Promise.resolve(options.csrfFailure(outcome.error, req, res)).catch(next);
    return;
  }
  res.statusCode = 403;
  res.setHeader("content-type", "text/plain; charset=utf-8");
  res.end(csrfFailureBody(outcome.reason));
}

/**
 * Django's `login_required` as Express middleware, after {@linkcode djangoSession} (with its `user`
 * option): an anonymous request is redirected to `LOGIN_URL?next=…` exactly as Django redirects it
 * (`api: true`: 401 instead); a logged-in user's request goes on to the route.
 *
 * @param options the login page, the redirect field, `api`
 * @returns the middleware, for a route (`app.get("/orders/", loginRequired(), …)`) or a router
 * @example
 * ```ts
 * import express from "express";
 * import { djangoSession, loginRequired } from "@django-interop/session/express";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = express().use(djangoSession({ backend, user: () => Promise.resolve(null) }));
 * app.get("/orders/", loginRequired(), (_req, res) => void res.send("orders"));
 * const server = app.listen(0);
 * await new Promise((resolve) => server.once("listening", resolve));
 * const { port } = server.address() as { port: number };
 * const response = await fetch(`http://127.0.0.1:${port}/orders/?page=2`, { redirect: "manual" });
 * console.log(response.status, response.headers.get("location")); // 302 /accounts/login/?next=/orders/%3Fpage%3D2
 * server.close();
 * ```
 */
export function loginRequired(options: LoginRequiredOptions = {}): NodeMiddleware {
  return function loginRequiredMiddleware(req, res, next) {
    userOf(req).then(async (user) => {
      if (user !== null) return next();
      const answer = anonymousResponse(
        EXPRESS_LINE.url(req),
        sessionOf(req).settings,
        options,
      );
      res.statusCode = answer.status;
      answer.headers.forEach((value, name) => void res.setHeader(name, value));
      res.end(await answer.text());
    }).catch(next);
  };
}
