/**
 * The per-request pieces of Django's `SessionMiddleware` that every adapter shares: what a handler
 * receives (the lazy session and user) and the options naming the backend. `withSession` itself
 * composes them with CSRF protection, so it lives with the adapters (`src/adapters/fetch.ts`): the
 * HTTP room sits left of CSRF and cannot call it.
 *
 * @module
 */
import { ImproperlyConfigured } from "../errors.ts";
import type { SessionBackend } from "../session/backend.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { sessionKeyOfHeader } from "./respond.ts";
import type { ErrorResponseOptions } from "./error_response.ts";

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
 * Adds `Set-Cookie` values to a response (a new one when there are any), as the messages
 * storage's `update(response)` does in Django.
 *
 * @param response the response
 * @param cookies the `Set-Cookie` values
 * @returns the response with them
 */
export function withCookies(response: Response, cookies: readonly string[]): Response {
  if (cookies.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const cookie of cookies) headers.append("set-cookie", cookie);
  const { status, statusText } = response;
  return new Response(response.body, { status, statusText, headers });
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

/**
 * Options of `withSession` and the adapters: the backend (which holds Django's settings), the user,
 * and the `Retry-After` of the 503 answered when the store is down.
 */
export interface SessionOptions<T extends SessionData = SessionData, U = unknown>
  extends ErrorResponseOptions {
  /** Where sessions live; its settings name the cookie and say how it is written. */
  backend: SessionBackend<T>;
  /**
   * Finds the request's user for `user()`, e.g. `(session) => getUser(session, auth)`.
   *
   * @default undefined (`user()` rejects)
   */
  user?: UserLoader<U>;
}

/**
 * The session and lazy user of a request that never reaches a fetch handler: Node's `upgrade` event
 * (`server.on("upgrade", (req, socket, head) => …)`), whose `IncomingMessage` carries the cookie in
 * `req.headers.cookie`. Read-only in practice: there is no response to carry a new cookie.
 *
 * @param headers a `Headers`, or Node's `IncomingMessage.headers`
 * @param options the backend and the user loader, as for `withSession`
 * @returns the lazy session and `user()` of that request
 * @example
 * ```ts
 * import { sessionOfHeaders } from "@django-interop/session/http";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * // server.on("upgrade", async (req, socket) => { … sessionOfHeaders(req.headers, { backend }) … })
 * const { session } = sessionOfHeaders({ cookie: "sessionid=none" }, { backend });
 * console.log([...(await session.load()).keys()]); // []
 * ```
 */
export function sessionOfHeaders<T extends SessionData = SessionData, U = unknown>(
  headers: Headers | Record<string, string | string[] | undefined>,
  options: SessionOptions<T, U>,
): SessionContext<T, U> {
  const { backend } = options;
  const raw = headers instanceof Headers ? headers.get("cookie") : headers.cookie;
  const cookie = Array.isArray(raw) ? raw.join("; ") : raw;
  const session = backend.getSession(sessionKeyOfHeader(cookie, backend.settings));
  return { session, user: lazyUser(session as Session<SessionData>, options.user) };
}
