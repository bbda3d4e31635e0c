/**
 * One request's run through Django's `CsrfViewMiddleware`: `process_request` (read the secret from
 * the `csrftoken` cookie or the session's `_csrftoken`), `process_view` (refuse an unsafe request
 * whose Origin, Referer or token does not pass, with Django's reason), `get_token` and
 * `rotate_token` during the view, and `process_response` (set the cookie, or the session key,
 * when Django would). Framework-agnostic: a method, a URL and headers in, plain values out.
 *
 * Django 4.0+ and 3.2 differ (3.2: no Origin check, one "missing or incorrect" reason, masked
 * values everywhere); `djangoVersion` picks. Django 4.1+ writes the 32-character secret to the
 * cookie, earlier releases a masked 64-character token; every release reads both.
 *
 * @module
 */
import { CsrfFailure } from "../errors.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { djangoAtLeast, type DjangoSettings } from "../settings/settings.ts";
import { CSRF_REASONS, csrfOriginFailure, type CsrfRequestLine, headerOf } from "./origin.ts";
import { csrfCookieParts } from "./commit.ts";
import { type DjangoCookie, requestCookie, serializeCookie } from "../primitives/cookie.ts";
import { registerCsrf } from "./rotate.ts";
import {
  CSRF_TOKEN_LENGTH,
  csrfTokenFormatError,
  csrfTokenMatches,
  maskCsrfSecret,
  newCsrfSecret,
  sanitizeCsrfToken,
  unmaskCsrfToken,
} from "./tokens.ts";

/** Django's `CSRF_SESSION_KEY`: where `CSRF_USE_SESSIONS` keeps the secret. */
export const CSRF_SESSION_KEY = "_csrftoken";

/** What {@linkcode csrfCheck} reads of a request. */
export interface CsrfRequest extends CsrfRequestLine {
  /**
   * The form field `csrfmiddlewaretoken` (the last one, as Django's `request.POST.get`), or a
   * function reading it; asked for only on a POST that reaches the token check, as Django reads
   * `request.POST` only then. Give `null` when the body is not a form.
   *
   * @default null
   */
  formToken?: string | null | (() => string | null | Promise<string | null>);
  /** The route is exempt (Django's `@csrf_exempt`): nothing is checked, tokens still work. */
  exempt?: boolean;
}

/** The request's secret as Django's `_get_secret` (4.0+) / `_get_token` (3.2) returns it. */
type Stored = { value: string } | { invalid: string } | null;

/** The `Set-Cookie` value {@linkcode csrfCommit} asks for, and whether to vary on `Cookie`. */
export interface CsrfHeaders {
  /** The `csrftoken` cookie, or `null` for none. */
  setCookie: string | null;
  /** Add `Cookie` to `Vary`. */
  vary: boolean;
}

/**
 * One request's CSRF state — Django's `request.META["CSRF_COOKIE"]` and its update flag. Made by
 * {@linkcode csrfCheck}; hand {@linkcode CsrfContext.token} to the forms the handler renders.
 */
export class CsrfContext {
  readonly #session: Session<SessionData>;
  readonly #settings: DjangoSettings;
  readonly #modern: boolean;
  /** META["CSRF_COOKIE"]: the secret (4.0+) or a masked token (3.2), or `null` for none yet. */
  #cookie: string | null;
  /** 4.0+'s CSRF_COOKIE_NEEDS_UPDATE, 3.2's CSRF_COOKIE_USED. */
  #update = false;
  readonly #fromRequest: boolean;

  /**
   * Django's `process_request`; use {@linkcode csrfCheck}.
   *
   * @param stored the secret the request carries
   * @param session the request's session
   */
  constructor(stored: Stored, session: Session<SessionData>) {
    this.#session = session;
    this.#settings = session.settings;
    this.#modern = djangoAtLeast(this.#settings, "4.0");
    this.#cookie = stored !== null && "value" in stored ? stored.value : null;
    this.#fromRequest = this.#cookie !== null;
    // 4.0+ replaces a malformed cookie at once; 3.2 has already swapped in a random token.
    if (stored !== null && "invalid" in stored) this.rotate();
  }

  /**
   * Django's `get_token(request)`: a freshly masked token for a form's `csrfmiddlewaretoken` or
   * the `X-CSRFToken` header; the cookie is (re)sent with the response.
   *
   * @returns a 64-character token
   */
  token(): string {
    if (this.#cookie === null) this.rotate();
    this.#update = true;
    return maskCsrfSecret(this.#modern ? this.#cookie! : unmaskCsrfToken(this.#cookie!));
  }

  /** Django's `rotate_token(request)` (run by `login()`): a new secret from this response on. */
  rotate(): void {
    this.#cookie = this.#modern ? newCsrfSecret() : maskCsrfSecret(newCsrfSecret());
    this.#update = true;
  }

  /**
   * Whether the request carried a usable secret (the cookie, or `_csrftoken` with
   * `CSRF_USE_SESSIONS`): only then does a token handed out without sending a cookie (a Server
   * Component's, which cannot set one) pass the check.
   */
  get fromRequest(): boolean {
    return this.#fromRequest;
  }

  /**
   * Django's `process_response`; use {@linkcode csrfCommit}.
   *
   * @returns the cookie to set and whether to vary on `Cookie`
   */
  commit(): CsrfHeaders {
    const cookie = this.commitCookie();
    if (cookie === null) return { setCookie: null, vary: false };
    return { setCookie: serializeCookie(cookie.name, cookie.value, cookie.attributes), vary: true };
  }

  /**
   * {@linkcode CsrfContext.commit} with the cookie before serialising (`Vary: Cookie` goes with
   * it), for frameworks whose cookie API takes a name, a value and options.
   *
   * @returns the cookie to set, or `null`
   */
  commitCookie(): DjangoCookie | null {
    if (!this.#update) return null;
    this.#update = false;
    const s = this.#settings;
    const value = this.#modern && !djangoAtLeast(s, "4.1")
      ? maskCsrfSecret(this.#cookie!)
      : this.#cookie!;
    if (s.CSRF_USE_SESSIONS) {
      if (this.#session.get(CSRF_SESSION_KEY) !== value) this.#session.set(CSRF_SESSION_KEY, value);
      return null;
    }
    return csrfCookieParts(value, s.CSRF_COOKIE_AGE, s);
  }
}

/** The outcome of {@linkcode csrfCheck}: the request's CSRF state, and Django's reason to refuse. */
export type CsrfOutcome =
  | { ok: true; csrf: CsrfContext }
  | { ok: false; reason: string; error: CsrfFailure; csrf: CsrfContext };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/**
 * Whether Django's `CsrfViewMiddleware` checks requests of this method (RFC 9110's unsafe ones):
 * only then does it matter whether the route is exempt.
 *
 * @param method the request's method
 * @returns `false` for GET, HEAD, OPTIONS and TRACE
 */
export function csrfChecked(method: string): boolean {
  return !SAFE_METHODS.has(method);
}

/**
 * Django's `CsrfViewMiddleware` before the view: reads the request's secret, then, for an unsafe
 * method on a route that is not exempt, checks Origin/Referer and the form or header token.
 * With `CSRF_USE_SESSIONS`, the session is loaded (Django reads it on every request too).
 *
 * @param request the method, URL, headers and form token
 * @param session the request's session (its settings are used)
 * @returns `{ ok: true, csrf }`, or `{ ok: false, reason, error, csrf }`; commit `csrf` either way
 * @throws {StoreUnavailable} when `CSRF_USE_SESSIONS` and the session cannot be loaded
 * @example
 * ```ts
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 * import { csrfCheck } from "@django-interop/session/csrf";
 * const session = new SignedCookieBackend({ SECRET_KEY: "k" }).getSession(null);
 * const headers = new Headers({ origin: "http://shop.example" });
 * const outcome = await csrfCheck({ method: "POST", url: "http://shop.example/buy", headers }, session);
 * console.log(outcome.ok ? "ok" : outcome.reason); // CSRF cookie not set.
 * ```
 */
export function csrfCheck<T extends SessionData>(
  request: CsrfRequest,
  session: Session<T>,
): Promise<CsrfOutcome> {
  try {
    return Promise.resolve(csrfOutcome(request, session, request.exempt ?? false));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * {@linkcode csrfCheck}, answered synchronously when nothing has to be awaited (a safe method or
 * an exempt route, without `CSRF_USE_SESSIONS`): the middleware then routes without a promise.
 *
 * @param request the method, URL, headers and form token (the URL read only for an unsafe method)
 * @param session the request's session
 * @param exempt whether the route is exempt (`request.exempt` is not read)
 * @returns the outcome, or a promise of it
 * @throws {StoreUnavailable} (rejected) when `CSRF_USE_SESSIONS` and the session cannot be loaded
 */
export function csrfOutcome<T extends SessionData>(
  request: CsrfRequest,
  session: Session<T>,
  exempt: boolean,
): CsrfOutcome | Promise<CsrfOutcome> {
  const base = session as unknown as Session<SessionData>;
  if (session.settings.CSRF_USE_SESSIONS && !base.loaded) {
    return base.load().then(() => csrfOutcome(request, session, exempt));
  }
  const stored = storedSecret(request, base);
  const csrf = new CsrfContext(stored, base);
  registerCsrf(session, csrf);
  if (exempt || !csrfChecked(request.method)) return { ok: true, csrf };
  return refusedFor(request, stored, csrf, session.settings);
}

async function refusedFor(
  request: CsrfRequest,
  stored: Stored,
  csrf: CsrfContext,
  settings: DjangoSettings,
): Promise<CsrfOutcome> {
  const reason = csrfOriginFailure(request, settings) ??
    await tokenFailure(request, stored, settings);
  return reason === null
    ? { ok: true, csrf }
    : { ok: false, reason, error: new CsrfFailure(reason), csrf };
}

function storedSecret(request: CsrfRequest, session: Session<SessionData>): Stored {
  const { settings } = session;
  const modern = djangoAtLeast(settings, "4.0");
  const raw = settings.CSRF_USE_SESSIONS
    ? session.get(CSRF_SESSION_KEY)
    : requestCookie(headerOf(request.headers, "cookie"), settings.CSRF_COOKIE_NAME);
  if (typeof raw !== "string") return null;
  if (!modern) return { value: settings.CSRF_USE_SESSIONS ? raw : sanitizeCsrfToken(raw) };
  const invalid = csrfTokenFormatError(raw);
  // Django does not check the session's value; a 64-character one is unmasked all the same.
  if (invalid !== null && !settings.CSRF_USE_SESSIONS) return { invalid };
  return {
    value: invalid === null && raw.length === CSRF_TOKEN_LENGTH ? unmaskCsrfToken(raw) : raw,
  };
}

async function tokenFailure(
  request: CsrfRequest,
  stored: Stored,
  settings: DjangoSettings,
): Promise<string | null> {
  const modern = djangoAtLeast(settings, "4.0");
  if (stored !== null && "invalid" in stored) return `CSRF cookie ${stored.invalid}.`;
  if (stored === null) return CSRF_REASONS.NO_CSRF_COOKIE;
  let token = "", source = "POST";
  if (request.method === "POST") {
    const form = typeof request.formToken === "function"
      ? await request.formToken()
      : request.formToken;
    token = form ?? "";
  }
  if (token === "") {
    const header = headerOf(request.headers, headerNameOf(settings.CSRF_HEADER_NAME));
    if (header === null && modern) return CSRF_REASONS.CSRF_TOKEN_MISSING;
    token = header ?? "";
    source = `the '${displayName(settings.CSRF_HEADER_NAME)}' HTTP header`;
  }
  if (!modern) {
    return timingSafeLegacy(sanitizeCsrfToken(token), stored.value) ? null : CSRF_REASONS.BAD_TOKEN;
  }
  const invalid = csrfTokenFormatError(token);
  if (invalid !== null) return `CSRF token from ${source} ${invalid}.`;
  return csrfTokenMatches(token, stored.value) ? null : `CSRF token from ${source} incorrect.`;
}

/** Django 3.2's `_compare_masked_tokens`; a stored value that is no masked token matches nothing. */
function timingSafeLegacy(token: string, stored: string): boolean {
  if (stored.length !== CSRF_TOKEN_LENGTH || csrfTokenFormatError(stored) !== null) return false;
  return csrfTokenMatches(token, unmaskCsrfToken(stored));
}

/** `HTTP_X_CSRFTOKEN` → `x-csrftoken`. */
function headerNameOf(meta: string): string {
  return meta.slice(5).replaceAll("_", "-").toLowerCase();
}

/** Django's `HttpHeaders.parse_header_name`: `HTTP_X_CSRFTOKEN` → `X-Csrftoken` (Python's title()). */
function displayName(meta: string): string {
  return meta.slice(5).replaceAll("_", "-").replace(
    /[a-zA-Z]+/g,
    (word) => word[0].toUpperCase() + word.slice(1).toLowerCase(),
  );
}
