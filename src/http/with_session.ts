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
// The one arrow from http to messages: the brief puts `messages` on the middleware's context.
import { type RequestMessages, requestMessages } from "../messages/request_messages.ts";
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
  /**
   * The request's Django messages (`MESSAGE_STORAGE`), committed before the session: nothing is
   * read unless the handler lists them.
   */
  messages: RequestMessages;
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

/** Options of {@linkcode withSession}: the backend (which holds Django's settings) and the user. */
export interface WithSessionOptions<T extends SessionData = SessionData, U = unknown> {
  /** Where sessions live; its settings name the cookie and say how it is written. */
  backend: SessionBackend<T>;
  /**
   * Finds the request's user for `user()`, e.g. `(session) => getUser(session, auth)`.
   *
   * @default undefined (`user()` rejects)
   */
  user?: UserLoader<U>;
}

/** A fetch-style handler that also receives the session; `rest` is whatever the server passes. */
export type SessionHandler<T extends SessionData, Rest extends unknown[], U = unknown> = (
  request: Request,
  context: SessionContext<T, U>,
  ...rest: Rest
) => Response | Promise<Response>;

/**
 * Wraps a fetch-style handler with Django's session middleware: the handler gets the request's lazy
 * session; afterwards the session is saved when it changed and the status is below 500, and the
 * cookie is set, refreshed or deleted exactly as Django does. A handler that throws saves nothing;
 * the error propagates. A session deleted meanwhile gives HTTP 400, as in Django.
 *
 * Extra arguments pass through: Deno's `info`, Bun's `server`.
 *
 * Options come first, as in `Deno.serve(options, handler)`, so that `user()` takes the type of the
 * `user` loader without annotations.
 *
 * @param options the backend and the user loader
 * @param handler the handler, called as `handler(request, { session, user, messages }, ...rest)`
 * @returns a handler for `Deno.serve`, `Bun.serve` or any `(Request) => Promise<Response>` server
 * @example
 * ```ts
 * import { PGlite } from "@electric-sql/pglite"; // or postgres.js, or Bun.sql
 * import { djangoSettings, withSession } from "@django-interop/session";
 * import { createSessionTable, PostgresBackend } from "@django-interop/session/postgres";
 *
 * const db = new PGlite();
 * await createSessionTable(db);
 * const settings = djangoSettings({ SECRET_KEY: "django-insecure-key" });
 * const handler = withSession({ backend: new PostgresBackend(db, settings) }, async (_request, { session }) => {
 *   await session.load();
 *   session.set("visits", ((session.get("visits") as number) ?? 0) + 1);
 *   return new Response(`visits: ${session.get("visits")}`);
 * });
 * // Deno.serve(handler), Bun.serve({ fetch: handler }), or @hono/node-server's serve({ fetch: handler })
 *
 * const first = await handler(new Request("http://localhost/"));
 * const cookie = first.headers.get("set-cookie")!.split(";")[0]; // sessionid=…
 * const again = await handler(new Request("http://localhost/", { headers: { cookie } }));
 * console.log(await again.text()); // visits: 2
 * ```
 */
export function withSession<
  T extends SessionData = SessionData,
  Rest extends unknown[] = [],
  U = unknown,
>(
  options: WithSessionOptions<T, U>,
  handler: SessionHandler<T, Rest, U>,
): (request: Request, ...rest: Rest) => Promise<Response> {
  const { backend } = options;
  return async function sessionMiddleware(request, ...rest) {
    const key = sessionKeyOf(request, backend.settings);
    const session = backend.getSession(key);
    const user = lazyUser(session as Session<SessionData>, options.user);
    const messages = requestMessages(session, request.headers.get("cookie"));
    const response = await handler(request, { session, user, messages }, ...rest);
    // Django's MessageMiddleware answers before SessionMiddleware, so the session saves its messages.
    const cookies = await messages.commit();
    return withCookies(await commitSession(session, response, key !== null), cookies);
  };
}
