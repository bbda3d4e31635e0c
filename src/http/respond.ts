/**
 * The `Request`/`Response` side of the commit step: reads the session cookie from a request and,
 * once the handler has answered, acts on {@linkcode decideCommit} — saves, then returns a NEW
 * `Response` carrying the cookie and `Vary`. A new one, because the handler's may have immutable
 * headers (`Response.redirect`, a proxied `fetch()` response) and because nothing here mutates its
 * inputs.
 *
 * @module
 */
import { SessionInterrupted } from "../errors.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { decideCommit, deletionCookieParts, sessionCookieParts, varyOnCookie } from "./commit.ts";
import { type DjangoCookie, requestCookie, serializeCookie } from "../primitives/cookie.ts";
import { resolveSettings, type Settings } from "../settings/settings.ts";

/**
 * The session cookie's value in a request, or `null` when the request has none.
 *
 * @param request the incoming request
 * @param settings Django's settings (for `SESSION_COOKIE_NAME`)
 * @returns the cookie value (Django keeps the last of duplicates)
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { sessionKeyOf } from "@django-interop/session/http";
 * const request = new Request("http://x/", { headers: { cookie: "sessionid=abc" } });
 * sessionKeyOf(request, djangoSettings({ SECRET_KEY: "k" })); // "abc"
 * ```
 */
export function sessionKeyOf(
  request: Request,
  settings: Settings,
): string | null {
  return sessionKeyOfHeader(request.headers.get("cookie"), settings);
}

/**
 * The session cookie's value in a raw `Cookie` header, for frameworks that hand out Node's
 * `IncomingMessage` headers rather than a `Request` (Fastify, Koa, Express).
 *
 * @param cookie the `Cookie` header, or `undefined`/`null`/`""` when the request has none
 * @param settings Django's settings (for `SESSION_COOKIE_NAME`)
 * @returns the cookie value (Django keeps the last of duplicates), or `null`
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { sessionKeyOfHeader } from "@django-interop/session/http";
 * sessionKeyOfHeader("csrftoken=x; sessionid=abc", djangoSettings({ SECRET_KEY: "k" })); // "abc"
 * ```
 */
export function sessionKeyOfHeader(
  cookie: string | null | undefined,
  settings: Settings,
): string | null {
  const name = resolveSettings(settings).SESSION_COOKIE_NAME;
  return requestCookie(cookie, name) ?? null;
}

/**
 * The response's `Set-Cookie` values with the session cookie put last, replacing one the handler
 * set under the same name (Django's `response.cookies` is a dict keyed by name).
 *
 * @param cookies the `Set-Cookie` values already on the response
 * @param cookie the session cookie from {@linkcode commitHeaders}
 * @param name `SESSION_COOKIE_NAME`
 * @returns a new list
 * @example
 * ```ts
 * import { withSessionCookie } from "@django-interop/session/http";
 * withSessionCookie(["a=1", "sessionid=old"], "sessionid=new", "sessionid"); // ["a=1", "sessionid=new"]
 * ```
 */
export function withSessionCookie(
  cookies: readonly string[],
  cookie: string,
  name: string,
): string[] {
  return [...cookies.filter((c) => !c.startsWith(`${name}=`)), cookie];
}

/** The headers the commit step asks for: a `Set-Cookie` value and whether to vary on `Cookie`. */
export interface SessionHeaders {
  /** The session cookie to set or delete, or `null` for none. */
  setCookie: string | null;
  /** Add `Cookie` to `Vary` (see {@linkcode varyOnCookie}). */
  vary: boolean;
}

/**
 * The commit step without a `Response`, for frameworks that hand out mutable response objects
 * (Oak, Express-style): saves the session when {@linkcode decideCommit} says so and returns the
 * headers to add.
 *
 * @param session the request's session, after the handler ran
 * @param cookieSent whether the request carried the session cookie
 * @param status the response status
 * @returns the `Set-Cookie` value (or `null`) and whether to vary on `Cookie`
 * @throws {SessionInterrupted} when the session was deleted meanwhile (answer 400, as Django does)
 * @throws {StoreUnavailable} when the save fails because the store is down
 * @example
 * ```ts
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 * import { commitHeaders } from "@django-interop/session/http";
 * const session = await new SignedCookieBackend({ SECRET_KEY: "k" }).getSession(null).load();
 * session.set("cart", [1]);
 * const { setCookie, vary } = await commitHeaders(session, false, 200);
 * console.log(setCookie?.startsWith("sessionid="), vary); // true true
 * ```
 */
export async function commitHeaders<T extends SessionData>(
  session: Session<T>,
  cookieSent: boolean,
  status: number,
): Promise<SessionHeaders> {
  return await commitHeadersNow(session, cookieSent, status);
}

/**
 * {@linkcode commitHeaders} without a promise when nothing is saved: the headers at once for a
 * session that was only read, deleted or left alone, a promise only when the save has to run. An
 * adapter that holds a response back (Express's) lets it through without waiting in those cases.
 *
 * @param session the request's session, after the handler ran
 * @param cookieSent whether the request carried the session cookie
 * @param status the response status
 * @returns the headers, or a promise of them once the session is saved
 */
export function commitHeadersNow<T extends SessionData>(
  session: Session<T>,
  cookieSent: boolean,
  status: number,
): SessionHeaders | Promise<SessionHeaders> {
  const commit = commitCookieNow(session, cookieSent, status);
  return commit instanceof Promise ? commit.then(headersOf) : headersOf(commit);
}

/** What the commit step asks for, before the cookie is serialised. */
export interface SessionCookieCommit {
  /** The session cookie to set or delete, or `null` for none. */
  cookie: DjangoCookie | null;
  /** Add `Cookie` to `Vary`. */
  vary: boolean;
}

/**
 * {@linkcode commitHeadersNow} with the cookie as a name, a value and attributes, for frameworks
 * whose cookie API takes those (Next's `cookies().set`) rather than a `Set-Cookie` line.
 *
 * @param session the request's session, after the handler ran
 * @param cookieSent whether the request carried the session cookie
 * @param status the response status
 * @returns the cookie and `Vary`, or a promise of them once the session is saved
 */
export function commitCookieNow<T extends SessionData>(
  session: Session<T>,
  cookieSent: boolean,
  status: number,
): SessionCookieCommit | Promise<SessionCookieCommit> {
  const { accessed, modified, isEmpty, settings } = session;
  const { action, vary } = decideCommit(
    { accessed, modified, isEmpty, cookieSent, status },
    settings.SESSION_SAVE_EVERY_REQUEST,
  );
  if (action === "delete") return { cookie: deletionCookieParts(settings), vary };
  if (action === "none") return { cookie: null, vary };
  return saved(session, vary);
}

function headersOf({ cookie, vary }: SessionCookieCommit): SessionHeaders {
  const setCookie = cookie === null
    ? null
    : serializeCookie(cookie.name, cookie.value, cookie.attributes);
  return { setCookie, vary };
}

/** Saves, then the cookie carrying the (possibly new) key and the session's expiry. */
async function saved<T extends SessionData>(
  session: Session<T>,
  vary: boolean,
): Promise<SessionCookieCommit> {
  await session.save({ force: true });
  const maxAge = session.getExpireAtBrowserClose() ? null : session.getExpiryAge();
  return {
    cookie: sessionCookieParts(session.key!, maxAge, Date.now() / 1000, session.settings),
    vary,
  };
}

/** A header's value as Node-style frameworks hand it out (`getHeader`): absent, one or several. */
export type HeaderValue = string | number | readonly string[] | undefined | null;

/**
 * The headers to set on a mutable response (Fastify's `reply`, Koa's `ctx`, Node's
 * `ServerResponse`) for what {@linkcode commitHeaders} returned: the whole `Set-Cookie` list (the
 * handler's cookies kept, its own session cookie replaced) and the extended `Vary`. Each pair
 * replaces the header's current value.
 *
 * @param headers what `commitHeaders` returned
 * @param current reads the response's current value of a header
 * @param name `SESSION_COOKIE_NAME`
 * @returns `[name, value]` pairs to set, none when nothing changes
 * @example
 * ```ts
 * import { sessionHeaderUpdates } from "@django-interop/session/http";
 * const current = { "set-cookie": "theme=dark", vary: "Accept" } as Record<string, string>;
 * sessionHeaderUpdates({ setCookie: "sessionid=abc", vary: true }, (h) => current[h], "sessionid");
 * // [["set-cookie", ["theme=dark", "sessionid=abc"]], ["vary", "Accept, Cookie"]]
 * ```
 */
export function sessionHeaderUpdates(
  headers: SessionHeaders,
  current: (header: "set-cookie" | "vary") => HeaderValue,
  name: string,
): HeaderUpdate[] {
  return headerUpdates(current, [], [[name, headers]]);
}

/** A header to set on a mutable response, and its whole new value. */
export type HeaderUpdate = [header: "set-cookie" | "vary", value: string | string[]];

/**
 * {@linkcode sessionHeaderUpdates} for several middleware at once (messages, CSRF, session):
 * `added` cookies are appended, each named cookie replaces the response's own of that name, and
 * `Vary` gets `Cookie` when any of them asks.
 *
 * @param current reads the response's current value of a header
 * @param added `Set-Cookie` values to append (the messages storage's)
 * @param named `[cookie name, what its commit asked for]`, in the order Django sets them
 * @returns `[name, value]` pairs to set, none when nothing changes
 */
export function headerUpdates(
  current: (header: "set-cookie" | "vary") => HeaderValue,
  added: readonly string[],
  named: readonly [name: string, headers: SessionHeaders][],
): HeaderUpdate[] {
  const updates: HeaderUpdate[] = [];
  const setting = named.filter(([, headers]) => headers.setCookie !== null);
  if (added.length > 0 || setting.length > 0) {
    let cookies = [...list(current("set-cookie")), ...added];
    for (const [name, { setCookie }] of setting) {
      cookies = withSessionCookie(cookies, setCookie!, name);
    }
    updates.push(["set-cookie", cookies]);
  }
  if (named.some(([, headers]) => headers.vary)) {
    const vary = list(current("vary"));
    updates.push(["vary", varyOnCookie(vary.length ? vary.join(", ") : null)]);
  }
  return updates;
}

/** A Node-style header value as a list of strings. */
function list(value: HeaderValue): string[] {
  if (value === undefined || value === null || value === "") return [];
  return typeof value === "object" ? [...value] : [String(value)];
}

/**
 * Finishes a request as Django's `SessionMiddleware.process_response` does: saves the session when
 * it changed (or `SESSION_SAVE_EVERY_REQUEST`) and the status is below 500, sets or deletes the cookie, adds
 * `Vary: Cookie`. A session deleted meanwhile ({@linkcode SessionInterrupted}) gives a 400, like
 * Django. A response outside 200–599 (a `101` WebSocket upgrade) is returned unchanged: it cannot be
 * rebuilt.
 *
 * @param session the request's session, after the handler ran
 * @param response the handler's response
 * @param cookieSent whether the request carried the session cookie
 * @returns `response` itself when nothing changes, else a new `Response` with the same body
 * @throws {StoreUnavailable} when the save fails because the store is down
 * @example
 * ```ts
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 * import { commitSession } from "@django-interop/session/http";
 * const session = await new SignedCookieBackend({ SECRET_KEY: "k" }).getSession(null).load();
 * session.set("cart", [1]);
 * const response = await commitSession(session, new Response("ok"), false);
 * console.log(response.headers.get("vary")); // Cookie
 * ```
 */
export function commitSession<T extends SessionData>(
  session: Session<T>,
  response: Response,
  cookieSent: boolean,
): Promise<Response> {
  try {
    return Promise.resolve(commitSessionNow(session, response, cookieSent));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * {@linkcode commitSession}, answering at once when nothing is saved (a read: at most `Vary` to add)
 * and with a promise only when the store is written to.
 *
 * @throws {StoreUnavailable} when the save fails because the store is down
 */
export function commitSessionNow<T extends SessionData>(
  session: Session<T>,
  response: Response,
  cookieSent: boolean,
): Response | Promise<Response> {
  if (response.status < 200) return response;
  const headers = commitHeadersNow(session, cookieSent, response.status);
  return headers instanceof Promise
    ? headers.then((saved) => withSessionHeaders(response, saved, session), interrupted)
    : withSessionHeaders(response, headers, session);
}

function withSessionHeaders<T extends SessionData>(
  response: Response,
  headers: SessionHeaders,
  session: Session<T>,
): Response {
  if (headers.setCookie === null && !headers.vary) return response;
  return withCookie(response, headers, session.settings.SESSION_COOKIE_NAME);
}

/** Django's answer to a session deleted while the request ran: 400; anything else goes on. */
function interrupted(error: unknown): Response {
  if (error instanceof SessionInterrupted) return new Response("Bad Request", { status: 400 });
  throw error;
}

/**
 * `response` with a cookie set (replacing the handler's own of that name, as Django's
 * `response.cookies` dict does) and `Cookie` added to `Vary` — the last step of a commit, shared by
 * the session and CSRF middleware. A cookie is set on a copy, so that one visitor's cookie never
 * lands on a response the handler shares between requests. `Vary: Cookie` alone is the same for
 * every visitor: it is added to the handler's response itself, which keeps the runtime's fast path
 * for its body (a copy turns a fixed body into a stream: `Deno.serve` and `@hono/node-server` then
 * write it apart from the headers); a response whose headers are immutable (`Response.redirect()`,
 * a `fetch()` response) is copied.
 *
 * @param response the handler's response
 * @param headers the cookie to set (or `null`) and whether to vary on `Cookie`
 * @param name the cookie's name
 * @returns a new `Response` with the same status and body, or `response` itself when only `Vary`
 *   was added
 * @example
 * ```ts
 * import { withCookie } from "@django-interop/session/http";
 * const response = withCookie(new Response("ok"), { setCookie: "a=1", vary: true }, "a");
 * console.log(response.headers.get("set-cookie"), response.headers.get("vary")); // a=1 Cookie
 * const page = new Response("page");
 * console.log(withCookie(page, { setCookie: null, vary: true }, "a") === page); // true
 * ```
 */
export function withCookie(
  response: Response,
  { setCookie: cookie, vary }: SessionHeaders,
  name: string,
): Response {
  if (cookie === null && vary && varyInPlace(response)) return response;
  const headers = new Headers(response.headers);
  if (cookie !== null) {
    const cookies = withSessionCookie(headers.getSetCookie(), cookie, name);
    headers.delete("set-cookie");
    for (const each of cookies) headers.append("set-cookie", each);
  }
  if (vary) headers.set("vary", varyOnCookie(headers.get("vary")));
  const { status, statusText } = response;
  return new Response(response.body, { status, statusText, headers });
}

/** Adds `Cookie` to the response's own `Vary`; `false` when its headers are immutable. */
function varyInPlace(response: Response): boolean {
  return setVaryInPlace(response, varyOnCookie(response.headers.get("vary")));
}

/**
 * Sets `Vary` on a handler's response itself (the same for every visitor, so safe even on a shared
 * response), for the adapters that add it there rather than on a copy.
 *
 * @param response the handler's response
 * @param vary the whole new `Vary`
 * @returns `false` when its headers are immutable (`Response.redirect()`, a `fetch()` response)
 */
export function setVaryInPlace(response: Response, vary: string): boolean {
  try {
    response.headers.set("vary", vary);
    return true;
  } catch {
    return false;
  }
}
