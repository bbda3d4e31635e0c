/**
 * The cookie settings of Django's `SessionMiddleware`, with Django's defaults, as camelCase twins of
 * its `SESSION_COOKIE_*` settings.
 *
 * @module
 */
import { ImproperlyConfigured } from "../errors.ts";
import { isLegalCookieName } from "./cookie.ts";

/** `SESSION_COOKIE_SAMESITE`: one of Django's accepted values, or `false` for no attribute. */
export type SameSite = "Lax" | "Strict" | "None" | false;

/** How the session cookie is written; every field defaults to Django's setting of the same name. */
export interface SessionCookieOptions {
  /**
   * `SESSION_COOKIE_NAME`.
   * @default {"sessionid"}
   */
  cookieName?: string;
  /**
   * `SESSION_COOKIE_DOMAIN`: `null` for a host-only cookie.
   * @default {null}
   */
  cookieDomain?: string | null;
  /**
   * `SESSION_COOKIE_PATH`.
   * @default {"/"}
   */
  cookiePath?: string;
  /**
   * `SESSION_COOKIE_SECURE`.
   * @default {false}
   */
  cookieSecure?: boolean;
  /**
   * `SESSION_COOKIE_HTTPONLY`.
   * @default {true}
   */
  cookieHttpOnly?: boolean;
  /**
   * `SESSION_COOKIE_SAMESITE`.
   * @default {"Lax"}
   */
  cookieSameSite?: SameSite;
  /**
   * `SESSION_SAVE_EVERY_REQUEST`: save (and re-send the cookie) even when nothing changed, which
   * slides the expiry date forward on every request.
   * @default {false}
   */
  saveEveryRequest?: boolean;
}

/** {@linkcode SessionCookieOptions} with every default filled in. */
export type CookieSettings = Required<SessionCookieOptions>;

/**
 * Fills in Django's defaults and rejects settings Django would reject.
 *
 * @param options the caller's settings
 * @returns every setting, defaults applied
 * @throws {ImproperlyConfigured} when `cookieName` has characters a cookie name cannot hold, or
 * `cookieSameSite` is not `Lax`, `Strict`, `None` or `false`
 * @example
 * ```ts
 * import { cookieSettings } from "@django-interop/session";
 * cookieSettings({ cookieSecure: true }).cookieName; // "sessionid"
 * ```
 */
export function cookieSettings(options: SessionCookieOptions = {}): CookieSettings {
  const {
    cookieName = "sessionid",
    cookieDomain = null,
    cookiePath = "/",
    cookieSecure = false,
    cookieHttpOnly = true,
    cookieSameSite = "Lax",
    saveEveryRequest = false,
  } = options;
  if (!isLegalCookieName(cookieName)) {
    throw new ImproperlyConfigured(
      `cookieName ${JSON.stringify(cookieName)} is not a legal cookie name`,
    );
  }
  // Django's HttpResponseBase.set_cookie raises ValueError for any other value, at the first response.
  if (cookieSameSite !== false && !["Lax", "Strict", "None"].includes(cookieSameSite)) {
    throw new ImproperlyConfigured(`cookieSameSite must be "Lax", "Strict", "None" or false`);
  }
  return {
    cookieName,
    cookieDomain,
    cookiePath,
    cookieSecure,
    cookieHttpOnly,
    cookieSameSite,
    saveEveryRequest,
  };
}
