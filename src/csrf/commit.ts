/**
 * The response side of Django's `CsrfViewMiddleware`: the `csrftoken` cookie as Django's
 * `response.set_cookie` writes it, the commit step for frameworks with mutable responses and for
 * fetch-style ones, and the 403 Django's failure view answers.
 *
 * @module
 */
import { type DjangoCookie, httpDate, serializeCookie } from "../primitives/cookie.ts";
import { withCookie } from "../http/respond.ts";
import type { DjangoSettings } from "../settings/settings.ts";
import type { CsrfContext, CsrfHeaders } from "./check.ts";

/**
 * The `Set-Cookie` value of the CSRF cookie: `Max-Age` and a matching `expires` (none for a
 * `CSRF_COOKIE_AGE` of `null`), then the `CSRF_COOKIE_*` attributes.
 *
 * @param value the secret (Django 4.1+) or masked token
 * @param age `CSRF_COOKIE_AGE`
 * @param settings Django's settings
 * @returns the header value
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { serializeCsrfCookie } from "@django-interop/session/csrf";
 * serializeCsrfCookie("abc", null, djangoSettings({ SECRET_KEY: "k" })); // "csrftoken=abc; Path=/; SameSite=Lax"
 * ```
 */
export function serializeCsrfCookie(
  value: string,
  age: number | null,
  settings: DjangoSettings,
): string {
  const { name, attributes } = csrfCookieParts(value, age, settings);
  return serializeCookie(name, value, attributes);
}

/**
 * {@linkcode serializeCsrfCookie} before serialising.
 *
 * @param value the secret or masked token
 * @param age `CSRF_COOKIE_AGE`
 * @param settings Django's settings
 * @returns the cookie
 */
export function csrfCookieParts(
  value: string,
  age: number | null,
  settings: DjangoSettings,
): DjangoCookie {
  return {
    name: settings.CSRF_COOKIE_NAME,
    value,
    attributes: {
      ...(age === null ? {} : { maxAge: age, expires: httpDate(Date.now() / 1000 + age) }),
      domain: settings.CSRF_COOKIE_DOMAIN ?? undefined,
      path: settings.CSRF_COOKIE_PATH,
      secure: settings.CSRF_COOKIE_SECURE,
      httpOnly: settings.CSRF_COOKIE_HTTPONLY,
      sameSite: settings.CSRF_COOKIE_SAMESITE || undefined,
    },
  };
}

/**
 * Django's `CsrfViewMiddleware.process_response`, for frameworks with mutable responses: the CSRF
 * cookie to add (with `Vary: Cookie`) when the token was used, rotated or reset. With
 * `CSRF_USE_SESSIONS` it writes `_csrftoken` into the session instead — so run it BEFORE the
 * session's commit, as Django's middleware order does.
 *
 * @param csrf the request's CSRF state, from `csrfCheck`
 * @returns the `Set-Cookie` value (or `null`) and whether to vary on `Cookie`
 * @example
 * ```ts
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 * import { csrfCheck, csrfCommit } from "@django-interop/session/csrf";
 * const session = new SignedCookieBackend({ SECRET_KEY: "k" }).getSession(null);
 * const { csrf } = await csrfCheck({ method: "GET", url: "http://x/", headers: {} }, session);
 * csrf.token();
 * console.log(csrfCommit(csrf).setCookie?.startsWith("csrftoken=")); // true
 * ```
 */
export function csrfCommit(csrf: CsrfContext): CsrfHeaders {
  return csrf.commit();
}

/**
 * {@linkcode csrfCommit} for fetch-style servers: the response with the CSRF cookie and `Vary`.
 *
 * @param csrf the request's CSRF state
 * @param response the handler's (or the failure) response
 * @param settings Django's settings (for `CSRF_COOKIE_NAME`)
 * @returns `response` itself when nothing is added, else a copy with the headers
 * @example
 * ```ts
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 * import { commitCsrf, csrfCheck } from "@django-interop/session/csrf";
 * const session = new SignedCookieBackend({ SECRET_KEY: "k" }).getSession(null);
 * const { csrf } = await csrfCheck({ method: "GET", url: "http://x/", headers: {} }, session);
 * const form = `<input type="hidden" name="csrfmiddlewaretoken" value="${csrf.token()}">`;
 * const response = commitCsrf(csrf, new Response(form), session.settings);
 * console.log(response.headers.get("vary")); // Cookie
 * ```
 */
export function commitCsrf(
  csrf: CsrfContext,
  response: Response,
  settings: Pick<DjangoSettings, "CSRF_COOKIE_NAME">,
): Response {
  const headers = csrf.commit();
  if (headers.setCookie === null || response.status < 200) return response;
  return withCookie(response, headers, settings.CSRF_COOKIE_NAME);
}

/**
 * The 403 of Django's failure view (`django.views.csrf.csrf_failure`), in plain text with
 * Django's reason (which Django shows only with `DEBUG`; it is no secret: it says what the
 * request lacked).
 *
 * @param reason Django's reason
 * @returns a 403 response
 * @example
 * ```ts
 * import { csrfFailureResponse } from "@django-interop/session/csrf";
 * console.log(csrfFailureResponse("CSRF cookie not set.").status); // 403
 * ```
 */
export function csrfFailureResponse(reason: string): Response {
  return new Response(csrfFailureBody(reason), {
    status: 403,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * The plain-text body of {@linkcode csrfFailureResponse}, for frameworks that answer through their
 * own response object (send it with status 403 and `text/plain; charset=utf-8`).
 *
 * @param reason Django's reason
 * @returns the body
 * @example
 * ```ts
 * import { csrfFailureBody } from "@django-interop/session/csrf";
 * console.log(csrfFailureBody("CSRF cookie not set.").split("\n")[1]); // CSRF verification failed. Request aborted.
 * ```
 */
export function csrfFailureBody(reason: string): string {
  return `Forbidden (403)\nCSRF verification failed. Request aborted.\n\n${reason}\n`;
}
