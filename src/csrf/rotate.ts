/**
 * Django's `rotate_token(request)` reached from a session: `login()` (auth) rotates the CSRF
 * secret of the request the session belongs to without knowing about HTTP. {@linkcode csrfCheck}
 * registers each request's CSRF state under its session; a session used outside a request (a
 * script, a test) has none, and rotating is then a no-op — as in Django without the middleware.
 *
 * @module
 */

/** What a request's CSRF state offers here. */
interface Rotatable {
  rotate(): void;
}

// On the session object itself, under a symbol nobody else holds: the state lives as long as the
// request's session and no longer. A WeakMap did the same at a cost on every request (each entry
// is an ephemeron the garbage collector must trace: a third of a cheap request's CPU).
const CSRF_STATE = Symbol("csrf state");
type Holder = { [CSRF_STATE]?: Rotatable };

/**
 * Ties a request's CSRF state to its session (done by `csrfCheck`).
 *
 * @param session the request's session
 * @param csrf its CSRF state
 */
export function registerCsrf(session: object, csrf: Rotatable): void {
  (session as Holder)[CSRF_STATE] = csrf;
}

/**
 * Django's `rotate_token`: the request this session belongs to gets a new CSRF secret, sent with
 * its response (the cookie, or `_csrftoken` in the session); tokens of the old one stop working,
 * for Django too. `login()` calls it.
 *
 * @param session the request's session
 * @returns whether the session belonged to a request with CSRF protection
 * @example
 * ```ts
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 * import { rotateCsrfToken } from "@django-interop/session/csrf";
 * const session = new SignedCookieBackend({ SECRET_KEY: "k" }).getSession(null);
 * console.log(rotateCsrfToken(session)); // false: no request around it
 * ```
 */
export function rotateCsrfToken(session: object): boolean {
  const csrf = (session as Holder)[CSRF_STATE];
  csrf?.rotate();
  return csrf !== undefined;
}
