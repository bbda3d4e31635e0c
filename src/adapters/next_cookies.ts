/**
 * Django's cookies through Next.js's cookie APIs. `cookies().set(name, value, options)` (Server
 * Actions, route handlers) writes the attributes Django writes, but in its own order and spelling
 * (`Path=/; Expires=…; Max-Age=…; HttpOnly; SameSite=Lax`), and the value as
 * `encodeURIComponent(value)`. Django reads cookie values verbatim, so only values that encoding
 * leaves alone may go through it: session keys (`[a-z0-9]`) and CSRF secrets do; signed-cookie
 * sessions (`…:…`) do not, and are refused here with a typed error rather than sent unreadable.
 *
 * @module
 */
import { ImproperlyConfigured } from "../errors.ts";
import { type DjangoCookie, parseCookie } from "../primitives/cookie.ts";

/** The options of Next's `cookies().set(name, value, options)` that Django's cookies use. */
export interface NextCookieOptions {
  /** `Expires=`; Next recomputes it from `maxAge` when that is set, as Django computes it. */
  expires?: Date;
  /** `Max-Age=` in seconds. */
  maxAge?: number;
  /** `Domain=`. */
  domain?: string;
  /** `Path=` (Next writes `/` when absent). */
  path?: string;
  /** `Secure`. */
  secure?: boolean;
  /** `HttpOnly`. */
  httpOnly?: boolean;
  /** `SameSite=`, written as given. */
  sameSite?: "lax" | "strict" | "none";
}

/** What this module reads of a Next cookie store: `cookies()`, `request.cookies`. */
export interface CookieReader {
  /** The cookie of that name (Next keeps the last of duplicates, as Django does). */
  get(name: string): { value: string } | undefined;
}

/** A cookie store that can set cookies: `cookies()` in a Server Action or a route handler. */
export interface CookieWriter extends CookieReader {
  /** Sets a cookie on the response. */
  set(name: string, value: string, options?: NextCookieOptions): unknown;
}

/**
 * Next's options for Django's attributes. `SameSite` keeps Django's spelling (`Lax`): Next writes
 * the string as given, and its type names only the lowercase ones.
 */
function nextCookieOptions(cookie: DjangoCookie): NextCookieOptions {
  const { expires, maxAge, domain, path, secure, httpOnly, sameSite } = cookie.attributes;
  return {
    ...(expires ? { expires: new Date(expires) } : {}),
    ...(maxAge === undefined ? {} : { maxAge: Math.trunc(maxAge) }),
    ...(domain ? { domain } : {}),
    ...(path ? { path } : {}),
    secure: secure ?? false,
    httpOnly: httpOnly ?? false,
    ...(sameSite ? { sameSite: sameSite as NextCookieOptions["sameSite"] } : {}),
  };
}

/**
 * Sets Django's cookies through a Next cookie store, after checking that Next's encoding keeps
 * every value as Django would read it (none is set otherwise).
 *
 * @param store `await cookies()` of a Server Action
 * @param cookies the cookies, CSRF before session (Django's middleware order)
 * @throws {ImproperlyConfigured} when a value would reach Django percent-encoded
 */
export function setDjangoCookies(store: CookieWriter, cookies: readonly DjangoCookie[]): void {
  for (const { name, value } of cookies) {
    if (encodeURIComponent(value) !== value) {
      throw new ImproperlyConfigured(
        `Next's cookies().set would send the ${name} cookie percent-encoded, which Django reads ` +
          "as another value: save this session in a route handler (route()), whose Set-Cookie " +
          "is Django's own",
      );
    }
  }
  for (const cookie of cookies) {
    // Django's deletion value is `""`; Next would write it as `%22%22`, an empty one deletes too.
    store.set(cookie.name, cookie.value, nextCookieOptions(cookie));
  }
}

/**
 * The `Cookie` header the rest of the request sees once `setCookies` reached the browser: each
 * cookie appended, since Django and Next both keep the last of a repeated name.
 *
 * @param header the request's `Cookie` header
 * @param setCookies `Set-Cookie` values, as Django writes them
 * @returns the new header
 */
export function withRequestCookies(header: string | null, setCookies: readonly string[]): string {
  const pairs = setCookies.map((line) => {
    const [name, value] = [...parseCookie(line.split(";")[0])][0];
    return `${name}=${value}`;
  });
  return [header, ...pairs].filter(Boolean).join("; ");
}
