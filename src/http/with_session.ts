/**
 * `withSession`: Django's `SessionMiddleware` for any fetch-style server — `Deno.serve`,
 * `Bun.serve`, Node through `@hono/node-server`'s `serve({ fetch })`, and the request handlers of
 * most frameworks built on `Request`/`Response`.
 *
 * @module
 */
import { ImproperlyConfigured } from "../errors.ts";
import type { SessionBackend } from "../session/backend.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { errorResponse, type ErrorResponseOptions } from "./error_response.ts";
import { cookieSettings, type SessionCookieOptions } from "./options.ts";
import { parseCookie } from "./cookie.ts";
import { commitSession, sessionKeyOf } from "./respond.ts";

/** What a wrapped handler receives besides the request. */
export interface SessionContext<T extends SessionData = SessionData, U = unknown> {
  /** The request's session: lazy, so no query runs unless the handler calls `load()`. */
  session: Session<T>;
  /**
   * The request's user, from the `user` option: looked up on the first call only, and not at all
   * unless called. Rejects with `ImproperlyConfigured` when no `user` option was given.
   */
  user(): Promise<U | null>;
}

/**
 * Finds the user of a session; the auth room's `getUser` fits:
 * `user: (session) => getUser(session, auth)`.
 */
export type UserLoader<U> = (session: Session<SessionData>) => Promise<U | null>;

/**
 * The lazy, memoised `user()` of one request (shared by `withSession` and the Hono middleware).
 *
 * @param session the request's session
 * @param loader the `user` option, if any
 * @returns a function that looks the user up once
 */
export function lazyUser<U>(
  session: Session<SessionData>,
  loader: UserLoader<U> | undefined,
): () => Promise<U | null> {
  let user: Promise<U | null> | undefined;
  return () =>
    user ??= loader
      ? loader(session)
      : Promise.reject(new ImproperlyConfigured("user() needs the `user` option, e.g. getUser"));
}

/** Options of {@linkcode withSession}: the backend plus Django's cookie settings. */
export interface WithSessionOptions<T extends SessionData = SessionData, U = unknown>
  extends SessionCookieOptions, ErrorResponseOptions {
  /** Where sessions live, with the session settings (`cookieAge`, `expireAtBrowserClose`). */
  backend: SessionBackend<T>;
  /**
   * Finds the request's user for `user()`, e.g. `(session) => getUser(session, auth)`.
   *
   * @default undefined (`user()` rejects)
   */
  user?: UserLoader<U>;
}

/**
 * A fetch-style handler that also receives the session; `rest` is whatever the server passes. It
 * may answer `undefined` where the server allows it: Bun's `if (server.upgrade(req)) return;`.
 */
export type SessionHandler<
  T extends SessionData,
  Rest extends unknown[],
  U = unknown,
  R extends Response | undefined = Response,
> = (request: Request, context: SessionContext<T, U>, ...rest: Rest) => R | Promise<R>;

/**
 * Wraps a fetch-style handler with Django's session middleware: the handler gets the request's lazy
 * session; afterwards the session is saved when it changed and the status is below 500, and the
 * cookie is set, refreshed or deleted exactly as Django does. A handler that throws saves nothing;
 * the error propagates, except the session errors, answered by `errorResponse` whether the handler
 * or the commit threw them: a session deleted meanwhile gives HTTP 400, as in Django; a store that
 * is down (`StoreUnavailable`) 503 with `Retry-After`; data that verifies but cannot be used
 * (`SessionUnreadable`) 500, saving nothing.
 *
 * Extra arguments pass through: Deno's `info`, Bun's `server`. A WebSocket upgrade passes through
 * untouched, the session readable while it is decided (realtime servers read the user at connect):
 * Deno's `101` response from `Deno.upgradeWebSocket`, and Bun's `undefined` after
 * `server.upgrade(req)`. Node's `upgrade` event never reaches a fetch handler: read the session
 * there with {@linkcode sessionOfHeaders}.
 *
 * @param handler the handler, called as `handler(request, { session, user }, ...rest)`
 * @param options the backend, the cookie settings and the user loader
 * @returns a handler for `Deno.serve`, `Bun.serve` or any `(Request) => Promise<Response>` server
 * @throws {ImproperlyConfigured} at wrap time, for a cookie setting Django would refuse
 * @example
 * ```ts ignore
 * import { SessionBackend, withSession } from "@django-interop/session";
 * const backend = new SessionBackend(store);
 * Deno.serve(withSession(async (_req, { session }) => {
 *   await session.load();
 *   session.set("visits", ((session.get("visits") as number) ?? 0) + 1);
 *   return new Response(`visits: ${session.get("visits")}`);
 * }, { backend }));
 * ```
 */
export function withSession<
  T extends SessionData = SessionData,
  Rest extends unknown[] = [],
  U = unknown,
  R extends Response | undefined = Response,
>(
  handler: SessionHandler<T, Rest, U, R>,
  options: WithSessionOptions<T, U>,
): (request: Request, ...rest: Rest) => Promise<R | Response> {
  const settings = cookieSettings(options);
  const { backend } = options;
  return async function sessionMiddleware(request, ...rest) {
    const key = sessionKeyOf(request, settings);
    const session = backend.getSession(key);
    const user = lazyUser(session as Session<SessionData>, options.user);
    try {
      const response = await handler(request, { session, user }, ...rest);
      // Bun answers an upgraded request with nothing: the socket is no longer HTTP.
      if (response === undefined) return response;
      return await commitSession(session, response, key !== null, settings);
    } catch (error) {
      return errorResponse(error, options) ?? Promise.reject(error);
    }
  };
}

/**
 * The session and lazy user of a request that never reaches a fetch handler: Node's `upgrade` event
 * (`server.on("upgrade", (req, socket, head) => …)`), whose `IncomingMessage` carries the cookie in
 * `req.headers.cookie`. Read-only in practice: there is no response to carry a new cookie.
 *
 * @param headers a `Headers`, or Node's `IncomingMessage.headers`
 * @param options the backend, the cookie name and the user loader, as for `withSession`
 * @returns the lazy session and `user()` of that request
 * @throws {ImproperlyConfigured} for a cookie setting Django would refuse
 * @example
 * ```ts
 * import { SignedCookieBackend, sessionOfHeaders } from "@django-interop/session";
 * const backend = new SignedCookieBackend({ secretKey: "django-insecure-key" });
 * // server.on("upgrade", async (req, socket) => { … sessionOfHeaders(req.headers, { backend }) … })
 * const { session } = sessionOfHeaders({ cookie: "sessionid=none" }, { backend });
 * console.log((await session.load()).keys()); // []
 * ```
 */
export function sessionOfHeaders<T extends SessionData = SessionData, U = unknown>(
  headers: Headers | Record<string, string | string[] | undefined>,
  options: WithSessionOptions<T, U>,
): SessionContext<T, U> {
  const settings = cookieSettings(options);
  const raw = headers instanceof Headers ? headers.get("cookie") : headers.cookie;
  const cookie = Array.isArray(raw) ? raw.join("; ") : raw ?? null;
  const key = parseCookie(cookie).get(settings.cookieName) ?? null;
  const session = options.backend.getSession(key);
  return { session, user: lazyUser(session as Session<SessionData>, options.user) };
}
