/**
 * The commit step of Django's `SessionMiddleware.process_response` as a pure decision: the
 * session's flags and the response status in; whether to save, which cookie to send and whether to
 * vary on `Cookie` out. The wrapper then acts on it; nothing here touches a `Response` or a store.
 *
 * Django versions differ in two places; this follows the newest:
 * - a 5xx response saves nothing (4.2+; 3.2 skipped only status 500, ticket #3881);
 * - `Vary: Cookie` whenever the cookie is set (5.2.14 / 6.0.5+), not only when the session was
 *   read: with `saveEveryRequest`, an untouched session is saved and re-sent, and a shared cache
 *   must not hand that cookie to someone else.
 *
 * @module
 */
import { type DjangoCookie, httpDate, serializeCookie } from "../primitives/cookie.ts";
import { resolveSettings, type Settings } from "../settings/settings.ts";

/** What `process_response` reads from the request and its session. */
export interface CommitInput {
  /** `session.accessed`: the handler read or wrote the session. */
  accessed: boolean;
  /** `session.modified`: the handler changed the session. */
  modified: boolean;
  /** `session.is_empty()`: no key and no data. */
  isEmpty: boolean;
  /** The request carried a cookie named `cookieName`. */
  cookieSent: boolean;
  /** The response status. */
  status: number;
}

/** What to do about the session once the handler has answered. */
export interface CommitDecision {
  /** `"save"`: save, then set the cookie; `"delete"`: delete the cookie; `"none"`: neither. */
  action: "save" | "delete" | "none";
  /** Add `Cookie` to the response's `Vary`. */
  vary: boolean;
}

/**
 * Decides, as Django's `SessionMiddleware.process_response` does, whether to save the session and
 * which cookie to send.
 *
 * @param input the session's flags, whether the cookie was sent, the response status
 * @param saveEveryRequest Django's `SESSION_SAVE_EVERY_REQUEST`
 * @returns the action and whether to vary on `Cookie`
 * @example
 * ```ts
 * import { decideCommit } from "@django-interop/session/http";
 * decideCommit({ accessed: true, modified: true, isEmpty: false, cookieSent: false, status: 200 }, false);
 * // { action: "save", vary: true }
 * ```
 */
export function decideCommit(input: CommitInput, saveEveryRequest: boolean): CommitDecision {
  const { accessed, modified, isEmpty, cookieSent, status } = input;
  if (cookieSent && isEmpty) return { action: "delete", vary: true };
  if ((modified || saveEveryRequest) && !isEmpty && status < 500) {
    return { action: "save", vary: true };
  }
  return { action: "none", vary: accessed };
}

/**
 * The `Set-Cookie` value Django sends after saving: `Max-Age` and a matching `expires`, or neither
 * for a session that ends when the browser closes.
 *
 * @param key the session key (after saving: a new session only has one then)
 * @param maxAge `session.getExpiryAge()`, or `null` when `session.getExpireAtBrowserClose()`
 * @param nowSeconds the current time in seconds since the epoch
 * @param settings Django's settings (the `SESSION_COOKIE_*` ones)
 * @returns the header value
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { sessionCookie } from "@django-interop/session/http";
 * sessionCookie("abc", 1209600, 0, djangoSettings({ SECRET_KEY: "k" }));
 * // "sessionid=abc; expires=Thu, 15 Jan 1970 00:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"
 * ```
 */
export function sessionCookie(
  key: string,
  maxAge: number | null,
  nowSeconds: number,
  settings: Settings,
): string {
  const { name, value, attributes } = sessionCookieParts(key, maxAge, nowSeconds, settings);
  return serializeCookie(name, value, attributes);
}

/**
 * {@linkcode sessionCookie} before serialising: the name, the key and the attributes.
 *
 * @param key the session key
 * @param maxAge the expiry age, or `null` for a browser-session cookie
 * @param nowSeconds the current time in seconds since the epoch
 * @param settings Django's settings
 * @returns the cookie
 */
export function sessionCookieParts(
  key: string,
  maxAge: number | null,
  nowSeconds: number,
  settings: Settings,
): DjangoCookie {
  const s = resolveSettings(settings);
  return {
    name: s.SESSION_COOKIE_NAME,
    value: key,
    attributes: {
      ...(maxAge === null ? {} : { maxAge, expires: httpDate(nowSeconds + maxAge) }),
      domain: s.SESSION_COOKIE_DOMAIN ?? undefined,
      path: s.SESSION_COOKIE_PATH,
      secure: s.SESSION_COOKIE_SECURE,
      httpOnly: s.SESSION_COOKIE_HTTPONLY,
      sameSite: s.SESSION_COOKIE_SAMESITE || undefined,
    },
  };
}

/**
 * The `Set-Cookie` value of Django's `delete_cookie`: empty, expired, and `Secure` only when the
 * browser would otherwise ignore it (a `__Secure-`/`__Host-` name or `SameSite=None`), whatever
 * `SESSION_COOKIE_SECURE` says — Django ignores that setting here too.
 *
 * @param settings Django's settings (the `SESSION_COOKIE_*` ones)
 * @returns the header value
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { deletionCookie } from "@django-interop/session/http";
 * deletionCookie(djangoSettings({ SECRET_KEY: "k" }));
 * // 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax'
 * ```
 */
export function deletionCookie(settings: Settings): string {
  const { name, value, attributes } = deletionCookieParts(settings);
  return serializeCookie(name, value, attributes);
}

/**
 * {@linkcode deletionCookie} before serialising.
 *
 * @param settings Django's settings
 * @returns the cookie (its value `""`)
 */
export function deletionCookieParts(settings: Settings): DjangoCookie {
  const s = resolveSettings(settings);
  const { SESSION_COOKIE_NAME: name, SESSION_COOKIE_SAMESITE: sameSite } = s;
  return {
    name,
    value: "",
    attributes: {
      maxAge: 0,
      expires: httpDate(0),
      domain: s.SESSION_COOKIE_DOMAIN ?? undefined,
      path: s.SESSION_COOKIE_PATH,
      secure: /^__(Secure|Host)-/.test(name) || String(sameSite).toLowerCase() === "none",
      sameSite: sameSite || undefined,
    },
  };
}

/** Python's `cc_delim_re`: Vary's list separator. */
const LIST_SEPARATOR = /\s*,\s*/;

/**
 * Django's `patch_vary_headers(response, ("Cookie",))`: adds `Cookie` to an existing `Vary` unless
 * it is already there (any case), and collapses to `*` when the list holds `*`.
 *
 * @param vary the response's current `Vary`, or `null`
 * @returns the new `Vary`
 * @example
 * ```ts
 * import { varyOnCookie } from "@django-interop/session/http";
 * varyOnCookie("Accept-Encoding"); // "Accept-Encoding, Cookie"
 * ```
 */
export function varyOnCookie(vary: string | null): string {
  const headers = vary === null ? [] : vary.split(LIST_SEPARATOR);
  if (!headers.some((header) => header.toLowerCase() === "cookie")) headers.push("Cookie");
  return headers.includes("*") ? "*" : headers.join(", ");
}
