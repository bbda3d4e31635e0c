/**
 * Django's `login_required` for fetch-style handlers: anonymous visitors of a page are redirected
 * to `LOGIN_URL?next=…` exactly as Django redirects them; an API answers 401 instead.
 *
 * @module
 */
import type { SessionContext } from "../http/with_session.ts";
import type { DjangoSettings } from "../settings/settings.ts";
import type { SessionData } from "../session/store.ts";
import { loginRedirectUrl, type LoginUrlOptions } from "./login_url.ts";

/** A handler whose context holds the session and a lazy `user()`, as `withSession` gives it. */
export type GuardedHandler<C extends SessionContext<SessionData, unknown>, Rest extends unknown[]> =
  (
    request: Request,
    context: C,
    ...rest: Rest
  ) => Response | Promise<Response>;

/** Options of the login-required guards. */
export interface LoginRequiredOptions extends LoginUrlOptions {
  /**
   * Answer anonymous requests with `401 Unauthorized` instead of a redirect (for JSON APIs,
   * which a browser redirect would only confuse).
   *
   * @default false
   */
  api?: boolean;
}

/**
 * The response `login_required` gives an anonymous visitor: `302 Found` to the login page (as
 * Django's `HttpResponseRedirect`), or `401` with `api`.
 *
 * @param requestUrl the request's URL
 * @param settings Django's settings (`LOGIN_URL`)
 * @param options the login page, the redirect field, `api`
 * @returns the response
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { anonymousResponse } from "@django-interop/session/auth";
 * const settings = djangoSettings({ SECRET_KEY: "django-insecure-key" });
 * const response = anonymousResponse("http://shop.example/orders/", settings);
 * console.log(response.status, response.headers.get("location")); // 302 /accounts/login/?next=/orders/
 * ```
 */
export function anonymousResponse(
  requestUrl: string,
  settings: Pick<DjangoSettings, "LOGIN_URL">,
  options: LoginRequiredOptions = {},
): Response {
  if (options.api) {
    return new Response("Authentication credentials were not provided.", {
      status: 401,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  const location = loginRedirectUrl(requestUrl, options.loginUrl ?? settings.LOGIN_URL, options);
  return new Response(null, { status: 302, headers: { location } });
}

/**
 * Wraps a `withSession` handler so that only logged-in users reach it (`user()` not `null`; give
 * `withSession` its `user` option); others get {@linkcode anonymousResponse}.
 *
 * @param handler the handler to protect
 * @param options the login page, the redirect field, `api`
 * @returns the guarded handler, for `withSession`
 * @example
 * ```ts
 * import { withSession } from "@django-interop/session";
 * import { loginRequired } from "@django-interop/session/auth";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const handler = withSession({
 *   backend,
 *   user: () => Promise.resolve(null), // getUser(session, users) in an app
 * }, loginRequired(() => new Response("secret")));
 * const response = await handler(new Request("http://shop.example/orders/"));
 * console.log(response.headers.get("location")); // /accounts/login/?next=/orders/
 * ```
 */
export function loginRequired<
  C extends SessionContext<SessionData, unknown>,
  Rest extends unknown[],
>(
  handler: GuardedHandler<C, Rest>,
  options: LoginRequiredOptions = {},
): GuardedHandler<C, Rest> {
  return async function loginRequiredHandler(request, context, ...rest) {
    if (await context.user() !== null) return handler(request, context, ...rest);
    return anonymousResponse(request.url, context.session.settings, options);
  };
}
