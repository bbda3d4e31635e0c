/**
 * Django's CSRF protection (`django.middleware.csrf.CsrfViewMiddleware`), interoperable both ways:
 * the same `csrftoken` cookie (or `_csrftoken` in the session with `CSRF_USE_SESSIONS`), the same
 * masked tokens in `csrfmiddlewaretoken` fields and the `X-CSRFToken` header, the same Origin and
 * Referer rules and the same failure reasons, for the Django release `djangoVersion` names. A form
 * Django rendered posts here; a form rendered here posts to Django.
 *
 * `withSession` and the Hono adapter run it on every request by default, as Django's default
 * `MIDDLEWARE` does. Wiring another framework takes four steps around its handler:
 *
 * ```text
 * // before the handler (after the session is created):
 * const check = await csrfCheck({
 *   method: req.method,
 *   url: fullUrl,                       // scheme://host/path: the scheme decides the Referer check
 *   headers: req.headers,               // Headers, or Node's lowercase header object
 *   formToken: () => req.body?.csrfmiddlewaretoken ?? null,  // or formTokenReader(request)
 *   exempt: routeIsExempt,              // Django's @csrf_exempt, per route
 * }, session);
 * // expose check.csrf.token() to templates (Django's get_token / {% csrf_token %})
 * if (!check.ok) respond(403, check.reason)  // or csrfFailureResponse(check.reason); check.error is a CsrfFailure
 * else runTheHandler();
 * // after the handler, BEFORE the session's commit (it may write `_csrftoken` into the session):
 * const { setCookie, vary } = csrfCommit(check.csrf);   // fetch-style: commitCsrf(check.csrf, response, settings)
 * if (setCookie) appendSetCookie(setCookie);
 * if (vary) setVary(varyOnCookie(currentVary));
 * // then the session: commitHeaders(session, cookieSent, status)
 * ```
 *
 * `login()` (auth) rotates the token through {@linkcode rotateCsrfToken}, found by the session, so
 * the request-level state must come from `csrfCheck` with the same session object.
 *
 * What CSRF protection cannot cover — state-changing GETs, subdomains an attacker controls, XSS —
 * is in docs/csrf.md.
 *
 * @example
 * ```ts
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 * import { csrfCheck, csrfCommit } from "@django-interop/session/csrf";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * // A GET renders a form with the token, and sets the cookie:
 * const page = await csrfCheck({ method: "GET", url: "http://shop.example/", headers: {} }, backend.getSession(null));
 * const token = page.csrf.token();
 * const cookie = csrfCommit(page.csrf).setCookie!.split(";")[0];
 * // The form's POST passes:
 * const post = await csrfCheck({
 *   method: "POST",
 *   url: "http://shop.example/buy",
 *   headers: { cookie, origin: "http://shop.example" },
 *   formToken: token,
 * }, backend.getSession(null));
 * console.log(post.ok); // true
 * ```
 *
 * @module
 */
export {
  CSRF_SESSION_KEY,
  csrfCheck,
  CsrfContext,
  type CsrfHeaders,
  type CsrfOutcome,
  type CsrfRequest,
} from "./check.ts";
export {
  commitCsrf,
  csrfCommit,
  csrfFailureBody,
  csrfFailureResponse,
  serializeCsrfCookie,
} from "./commit.ts";
export { CSRF_FORM_FIELD, formTokenReader, isFormBody, parsedFormToken } from "./form.ts";
export {
  CSRF_REASONS,
  csrfOriginFailure,
  type CsrfRequestLine,
  headerOf,
  type HeaderSource,
  type NodeHeaders,
} from "./origin.ts";
export { rotateCsrfToken } from "./rotate.ts";
export {
  CSRF_ALLOWED_CHARS,
  CSRF_SECRET_LENGTH,
  CSRF_TOKEN_LENGTH,
  csrfTokenFormatError,
  csrfTokenMatches,
  maskCsrfSecret,
  newCsrfSecret,
  sanitizeCsrfToken,
  unmaskCsrfToken,
} from "./tokens.ts";
