/**
 * `withSession`: Django's `SessionMiddleware` and `CsrfViewMiddleware` for any fetch-style server —
 * `Deno.serve`, `Bun.serve`, Node through `@hono/node-server`'s `serve({ fetch })`, and the request
 * handlers of most frameworks built on `Request`/`Response`.
 *
 * @module
 */
import type { SessionContext } from "../http/with_session.ts";
import type { SessionData } from "../session/store.ts";
import type { RequestMessages } from "../messages/request_messages.ts";
import {
  closeRequest,
  failedRequest,
  openRequest,
  refusal,
  type RequestOptions,
} from "./request.ts";

/** What a wrapped handler receives besides the request: the session, the user, the CSRF token. */
export interface RequestContext<T extends SessionData = SessionData, U = unknown>
  extends SessionContext<T, U> {
  /**
   * Django's `get_token(request)`: a masked token for a form's hidden `csrfmiddlewaretoken` input
   * or an `X-CSRFToken` header; calling it sends the `csrftoken` cookie with the response.
   */
  csrfToken(): string;
  /** The request's Django messages (`messages.info("…")`, `messages.list()`), saved with the session. */
  messages: RequestMessages;
}

/** Options of {@linkcode withSession}. */
export interface WithSessionOptions<T extends SessionData = SessionData, U = unknown>
  extends RequestOptions<T, U> {
  /**
   * Which requests skip the CSRF check (Django's `@csrf_exempt`, per route), e.g. an API
   * authenticated by a bearer token rather than by the session cookie:
   * `(request) => new URL(request.url).pathname.startsWith("/api/")`. Tokens still work there.
   *
   * @default undefined (every unsafe request is checked)
   */
  csrfExempt?: (request: Request) => boolean;
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
> = (request: Request, context: RequestContext<T, U>, ...rest: Rest) => R | Promise<R>;

/**
 * Wraps a fetch-style handler with Django's session and CSRF middleware. Before the handler, an
 * unsafe request (not GET, HEAD, OPTIONS, TRACE) whose Origin/Referer or CSRF token does not pass
 * is answered 403 with Django's reason, and the handler does not run. The handler gets the lazy
 * session, `user()` and `csrfToken()`. Afterwards the CSRF cookie is set when the token was used
 * or rotated (by `login()`), and the session is saved when it changed and the status is below 500,
 * its cookie set, refreshed or deleted — exactly as Django does. A handler that throws saves
 * nothing; the error propagates, except the session errors, answered by `errorResponse` whether
 * the handler, the CSRF check or the commit threw them: a session deleted meanwhile gives HTTP 400,
 * as in Django; a store that is down (`StoreUnavailable`) 503 with `Retry-After` (the `retryAfter`
 * option); data that verifies but cannot be used (`SessionUnreadable`) 500.
 *
 * A WebSocket upgrade passes through untouched, the session readable while it is decided
 * (realtime servers read the user at connect): Deno's `101` response from
 * `Deno.upgradeWebSocket`, and Bun's `undefined` after `server.upgrade(req)`, for which nothing is
 * committed. Node's `upgrade` event never reaches a fetch handler: read the session there with
 * `sessionOfHeaders` (`@django-interop/session/http`).
 *
 * Extra arguments pass through: Deno's `info`, Bun's `server`. Options come first, as in
 * `Deno.serve(options, handler)`, so that `user()` takes the type of the `user` loader without
 * annotations.
 *
 * @param options the backend, the user loader, CSRF exemptions, the failure view, `retryAfter`
 * @param handler the handler, called as
 *   `handler(request, { session, user, csrfToken, messages }, ...rest)`
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
 * const handler = withSession({ backend: new PostgresBackend(db, settings) }, async (_req, { session }) => {
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
 * const forged = await handler(new Request("http://localhost/", { method: "POST", headers: { cookie } }));
 * console.log(forged.status); // 403 (CSRF cookie not set.)
 * ```
 */
export function withSession<
  T extends SessionData = SessionData,
  Rest extends unknown[] = [],
  U = unknown,
  R extends Response | undefined = Response,
>(
  options: WithSessionOptions<T, U>,
  handler: SessionHandler<T, Rest, U, R>,
): (request: Request, ...rest: Rest) => Promise<R | Response> {
  return async function sessionMiddleware(request, ...rest) {
    try {
      const open = await openRequest(request, options, options.csrfExempt?.(request) ?? false);
      const { session, user, csrf, messages } = open;
      const csrfToken = () => csrf.csrf.token();
      const response = csrf.ok
        ? await handler(request, { session, user, csrfToken, messages }, ...rest)
        : await refusal(request, csrf, options);
      // Bun answers an upgraded request with nothing: the socket is no longer HTTP.
      if (response === undefined) return response;
      return await closeRequest(open, response);
    } catch (error) {
      return failedRequest(error, options);
    }
  };
}
