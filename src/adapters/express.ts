/**
 * Express, Connect and NestJS middleware: Django's session on `req.session` and the user on
 * `req.user()`, committed as Django's `SessionMiddleware` does — before the first byte of the
 * response leaves, whichever way it is sent (`res.send`, `res.json`, `res.redirect`, `res.sendFile`,
 * `res.writeHead`, `res.write`, a piped stream). Its own subpath export (`./express`); it needs
 * nothing from Express itself, only Node's `(req, res, next)` shape.
 *
 * Typing `req.session`: JSR refuses ambient `declare global` in a published module, so none is
 * shipped. Read them through {@linkcode sessionOf} / {@linkcode userOf}, or merge them into Express's
 * `Request` in your own project (not run here: a doc test wraps its code in a function, where a
 * global declaration cannot stand):
 *
 * ```ts ignore
 * import type { SessionFields } from "@django-interop/session/express";
 * import type { DjangoUser } from "@django-interop/session/auth";
 *
 * declare global {
 *   namespace Express {
 *     // `req.session` and `req.user()` on every Express request, for your own session shape
 *     interface Request extends SessionFields<{ cart?: number[] }, DjangoUser> {}
 *   }
 * }
 * ```
 *
 * @example
 * ```ts
 * import express from "express";
 * import { djangoSession, sessionOf } from "@django-interop/session/express";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const app = express();
 * app.use(djangoSession({ backend: new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" }) }));
 * app.get("/", async (req, res) => {
 *   const session = await sessionOf(req).load();
 *   res.send(`user ${session.get("_auth_user_id") ?? "anonymous"}`);
 * });
 * const server = app.listen(0);
 * await new Promise((resolve) => server.once("listening", resolve));
 * const { port } = server.address() as { port: number };
 * console.log(await (await fetch(`http://127.0.0.1:${port}/`)).text()); // user anonymous
 * server.close();
 * ```
 *
 * @module
 */
import { ImproperlyConfigured, SessionChangedAfterHeaders } from "../errors.ts";
import { commitHeadersNow, type SessionHeaders, sessionKeyOfHeader } from "../http/respond.ts";
import { varyOnCookie } from "../http/commit.ts";
import { lazyUser, type SessionOptions as WithSessionOptions } from "../http/with_session.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { holdResponse, type NodeResponse, type Replacement } from "./held_response.ts";
import type { DjangoSettings } from "../settings/settings.ts";
import { errorPage, type ErrorPageOptions } from "./express_errors.ts";

export type { HeaderValue, NodeResponse } from "./held_response.ts";
export type { ErrorPageOptions } from "./express_errors.ts";

/** The parts of Node's `IncomingMessage` the middleware reads. */
export interface NodeRequest {
  /** The request method, for error messages. */
  method?: string;
  /** The request path, for error messages. */
  url?: string;
  /** The request headers; only `cookie` is read. */
  headers: { cookie?: string | undefined };
}

/** What the middleware puts on each request. */
export interface SessionFields<T extends SessionData = SessionData, U = unknown> {
  /** The request's lazy Django session: no query until `await req.session.load()`. */
  session: Session<T>;
  /** The request's user from the `user` option, looked up on the first call only. */
  user(): Promise<U | null>;
}

/** Options of {@linkcode djangoSession}. */
export interface ExpressSessionOptions<T extends SessionData = SessionData, U = unknown>
  extends WithSessionOptions<T, U>, ErrorPageOptions {
  /**
   * Receives the errors the response can no longer report: a failed save (answered 400, 503 or 500)
   * and {@linkcode SessionChangedAfterHeaders}.
   *
   * @default console.error
   */
  onError?: (error: unknown) => void;
}

/**
 * Creates the middleware: each request gets a lazy `req.session` and `req.user()`; the response is
 * held at its first write until the session is saved (when it changed, or
 * `SESSION_SAVE_EVERY_REQUEST`, and the status is below 500) and the cookie and `Vary: Cookie` are
 * set, exactly as Django's middleware decides. A thrown handler or `next(err)` ends in Express's error
 * handler; its 500 saves nothing (an error handler answering below 500 commits, as Django does after
 * `Http404`). A session deleted meanwhile answers 400, a store that is down 503 with `Retry-After`;
 * a session changed after the headers left is reported as {@linkcode SessionChangedAfterHeaders}.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user type the `user` option returns
 * @param options the backend, the user loader, the 503 status and where late errors go
 * @returns a Connect-style `(req, res, next)` middleware (`app.use(...)`, Nest's `MiddlewareConsumer`)
 * @example
 * ```ts
 * import express from "express";
 * import { djangoSession, sessionOf } from "@django-interop/session/express";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = express().use(djangoSession({ backend }));
 * app.post("/cart", async (req, res) => {
 *   (await sessionOf(req).load()).set("cart", [1]);
 *   res.redirect(303, "/");
 * });
 * const server = app.listen(0);
 * await new Promise((resolve) => server.once("listening", resolve));
 * const { port } = server.address() as { port: number };
 * const response = await fetch(`http://127.0.0.1:${port}/cart`, { method: "POST", redirect: "manual" });
 * console.log(response.headers.get("vary"), response.headers.has("set-cookie")); // Cookie true
 * server.close();
 * ```
 */
export function djangoSession<T extends SessionData = SessionData, U = unknown>(
  options: ExpressSessionOptions<T, U>,
): (req: NodeRequest, res: NodeResponse, next: (error?: unknown) => void) => void {
  const { backend } = options;
  const commit: Commit = { settings: backend.settings, onError: options.onError ?? console.error };
  return function djangoSessionMiddleware(req, res, next) {
    const key = sessionKeyOfHeader(req.headers.cookie, commit.settings);
    const session = backend.getSession(key) as Session<SessionData>;
    const fields = req as NodeRequest & SessionFields<SessionData, U>;
    fields.session = session;
    fields.user = lazyUser(session, options.user);
    holdResponse(res, (status) => committed(commit, options, req, res, session, key, status));
    next();
  };
}

/** What every request's commit shares. */
interface Commit {
  settings: DjangoSettings;
  onError: (error: unknown) => void;
}

/**
 * The commit at the response's first write: Django's decision, then (after the save, if any) the
 * cookie and `Vary` on the response, or an error page. Plain functions, no closures per request.
 */
function committed(
  commit: Commit,
  pages: ErrorPageOptions,
  req: NodeRequest,
  res: NodeResponse,
  session: Session<SessionData>,
  key: string | null,
  status: number,
): Replacement | null | Promise<Replacement | null> {
  if (status < 200) return null; // an upgrade or informational answer has no cookie
  const modifiedAtDecision = session.modified;
  const headers = commitHeadersNow(session, key !== null, status);
  if (!(headers instanceof Promise)) {
    return applied(commit, req, res, session, headers, modifiedAtDecision);
  }
  return headers.then(
    (saved) => applied(commit, req, res, session, saved, modifiedAtDecision),
    (error) => {
      commit.onError(error);
      return errorPage(error, pages);
    },
  );
}

/** Sets the cookie (replacing the handler's own, as Django's dict does) and `Vary`. */
function applied(
  commit: Commit,
  req: NodeRequest,
  res: NodeResponse,
  session: Session<SessionData>,
  { setCookie, vary }: SessionHeaders,
  modifiedAtDecision: boolean,
): null {
  if (setCookie !== null) {
    res.setHeader("set-cookie", [
      ...otherCookies(res, commit.settings.SESSION_COOKIE_NAME),
      setCookie,
    ]);
  }
  if (vary) res.setHeader("vary", varyOnCookie(headerText(res.getHeader("vary"))));
  watchLateChanges(req, res, session, modifiedAtDecision, commit.onError);
  return null;
}

/** Reports a change made after the commit read the flags: it cannot reach the cookie any more. */
function watchLateChanges(
  req: NodeRequest,
  res: NodeResponse,
  session: Session<SessionData>,
  modifiedAtDecision: boolean,
  onError: (error: unknown) => void,
): void {
  const { modified, key } = session;
  // `modified` still set although it was not at the decision: changed while the commit ran.
  if (modified && !modifiedAtDecision) return onError(lateChange(req));
  res.once("close", () => {
    if ((session.modified && !modified) || session.key !== key) onError(lateChange(req));
  });
}

function lateChange(req: NodeRequest): SessionChangedAfterHeaders {
  return new SessionChangedAfterHeaders(`${req.method} ${req.url}`);
}

/** The response's other `Set-Cookie` values: the session cookie replaces the handler's own. */
function otherCookies(res: NodeResponse, name: string): string[] {
  const current = res.getHeader("set-cookie");
  const all = current === undefined ? [] : Array.isArray(current) ? current : [String(current)];
  return all.filter((cookie: string) => !cookie.startsWith(`${name}=`));
}

function headerText(value: ReturnType<NodeResponse["getHeader"]>): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : String(value);
}

/**
 * The session {@linkcode djangoSession} put on `req`, typed.
 *
 * @typeParam T the shape of the session data
 * @param req the request
 * @returns the request's lazy session
 * @throws {ImproperlyConfigured} when the middleware did not run for `req`
 * @example
 * ```ts
 * import { sessionOf } from "@django-interop/session/express";
 * try {
 *   sessionOf({});
 * } catch (error) {
 *   console.log((error as Error).name); // ImproperlyConfigured
 * }
 * ```
 */
export function sessionOf<T extends SessionData = SessionData>(req: object): Session<T> {
  return fieldsOf<T, unknown>(req).session;
}

/**
 * The user of the request, from {@linkcode djangoSession}'s `user` option (looked up once).
 *
 * @typeParam U the user type
 * @param req the request
 * @returns the user, or `null` when anonymous
 * @throws {ImproperlyConfigured} when the middleware did not run for `req`
 * @example
 * ```ts
 * import { userOf } from "@django-interop/session/express";
 * await userOf({}).catch((error) => console.log(error.code)); // IMPROPERLY_CONFIGURED
 * ```
 */
export function userOf<U = unknown>(req: object): Promise<U | null> {
  try {
    return fieldsOf<SessionData, U>(req).user();
  } catch (error) {
    return Promise.reject(error);
  }
}

function fieldsOf<T extends SessionData, U>(req: object): SessionFields<T, U> {
  const fields = req as Partial<SessionFields<T, U>>;
  if (!fields.session || typeof fields.user !== "function") {
    throw new ImproperlyConfigured("req.session needs app.use(djangoSession({ backend })) first");
  }
  return fields as SessionFields<T, U>;
}
