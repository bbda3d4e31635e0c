/**
 * What `proxy.ts` does for the page rendered after it: Django's CSRF cookie
 * (`@ensure_csrf_cookie`) and Django's iteration of the messages. A render cannot set cookies, so
 * the proxy consumes the messages in the browser's storage (the `messages` cookie deleted, the
 * session's `_messages` removed) on its own response, and hands what it took to the render in the
 * request's `Cookie` header only, signed as Django signs the `messages` cookie (so a browser
 * that sends that cookie itself can only replay messages this site signed for it).
 *
 * @module
 */
import { NextResponse } from "next/server.js";
import type { NextRequest } from "next/server.js";
import { serializeCookie } from "../primitives/cookie.ts";
import { signMessages } from "../messages/storages.ts";
import type { SessionData } from "../session/store.ts";
import { withSession } from "./fetch.ts";
import type { RequestOptions } from "./request.ts";
import { withRequestCookies } from "./next_cookies.ts";

/** The request cookie carrying the messages the proxy took; never sent to a browser. */
export const TAKEN_MESSAGES = "django_messages_taken";

/** What the proxy does for the page. */
export interface PageProxy {
  /** Set (or re-send) the CSRF cookie, as Django's `@ensure_csrf_cookie`. */
  csrfCookie?: boolean;
  /** Take the stored messages for the page, on a navigation (not a prefetch or a Server Action). */
  messages?: boolean;
}

/** A request that renders a page for the user: not a prefetch, not a Server Action. */
function isNavigation(request: NextRequest): boolean {
  const { method, headers } = request;
  return (method === "GET" || method === "HEAD") && !headers.has("next-router-prefetch") &&
    headers.get("purpose") !== "prefetch" && !headers.has("next-action");
}

/**
 * `NextResponse.next()` after Django's middleware ran for the page: the `Set-Cookie` values for
 * the browser, and the request the render sees with them (and the taken messages) applied.
 *
 * @param options the session options
 * @param request the proxy's request
 * @param page what to do
 * @returns the response, or the 503/500 of a store error
 */
export async function pageProxy<T extends SessionData, U>(
  options: RequestOptions<T, U>,
  request: NextRequest,
  page: PageProxy,
): Promise<Response> {
  const { settings } = options.backend;
  let taken: string | null = null;
  const exempt = { ...options, csrfExempt: () => true };
  const committed = await withSession(exempt, async (_request, { csrfToken, messages }) => {
    if (page.csrfCookie) csrfToken();
    if (page.messages && isNavigation(request) && await messages.count() > 0) {
      taken = await signMessages(await messages.list(), settings);
    }
    return new Response(null);
  })(request);
  if (!committed.ok) return committed;
  const setCookies = committed.headers.getSetCookie();
  const forwarded = taken === null
    ? setCookies
    : [...setCookies, serializeCookie(TAKEN_MESSAGES, taken, {})];
  const headers = new Headers(request.headers);
  headers.set("cookie", withRequestCookies(request.headers.get("cookie"), forwarded));
  const response = NextResponse.next({ request: { headers } });
  for (const line of setCookies) response.headers.append("set-cookie", line);
  return response;
}
