/**
 * The checks {@linkcode djangoSettings} runs once, each naming the setting it refuses: Django's own
 * checks (an empty `SECRET_KEY`, a `SameSite` Django's `set_cookie` would raise on, origins without
 * a scheme) and the ones that keep a value from corrupting a header (a `;` in a cookie domain would
 * add attributes; CR/LF would split the header).
 *
 * @module
 */
import { ImproperlyConfigured } from "../errors.ts";
import { isLegalCookieName } from "../primitives/cookie.ts";

type Check = (value: unknown, name: string) => string | null;

const string: Check = (v) => typeof v === "string" ? null : "must be a string";
const boolean: Check = (v) => typeof v === "boolean" ? null : "must be true or false";
const strings: Check = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === "string") ? null : "must be a list of strings";

/** Whole seconds a `Date` can still hold from now (Python's `timedelta` allows less). */
const MAX_SECONDS = 8.64e12;
const seconds: Check = (v) =>
  Number.isSafeInteger(v) && Math.abs(v as number) <= MAX_SECONDS
    ? null
    : "must be a whole number of seconds";

// RFC 6265 §4.1.1: Domain and Path values are free text up to ";", and no control characters.
// deno-lint-ignore no-control-regex
const ATTRIBUTE_TEXT = /^[^\x00-\x1f\x7f;,\s]*$/;
// deno-lint-ignore no-control-regex
const PATH_TEXT = /^[^\x00-\x1f\x7f;]*$/;

const cookieName: Check = (v) =>
  typeof v === "string" && isLegalCookieName(v) ? null : "is not a legal cookie name";
const cookieDomain: Check = (v) =>
  v === null || (typeof v === "string" && v !== "" && ATTRIBUTE_TEXT.test(v))
    ? null
    : "must be null or a domain without spaces, commas, semicolons or control characters";
const cookiePath: Check = (v) =>
  typeof v === "string" && v.startsWith("/") && PATH_TEXT.test(v)
    ? null
    : 'must start with "/" and hold no semicolon or control character';
const sameSite: Check = (v) =>
  v === false || (typeof v === "string" && ["lax", "strict", "none"].includes(v.toLowerCase()))
    ? null
    : 'must be "Lax", "Strict", "None", false or null';
const origins: Check = (v, name) =>
  strings(v, name) ??
    ((v as string[]).every((o) => /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(o))
      ? null
      : "entries must start with a scheme (http:// or https://), as Django 4.0+ requires");
const headerName: Check = (v) =>
  typeof v === "string" && /^HTTP_[A-Z0-9_]+$/.test(v)
    ? null
    : 'must be in request.META form, e.g. "HTTP_X_CSRFTOKEN"';
const version: Check = (v) =>
  typeof v === "string" && /^\d+\.\d+$/.test(v) ? null : 'must be "major.minor", e.g. "5.2"';
const positive: Check = (v) =>
  Number.isSafeInteger(v) && (v as number) > 0 ? null : "must be a positive whole number";
const levelTags: Check = (v) =>
  typeof v === "object" && v !== null && !Array.isArray(v) &&
    Object.entries(v).every(([k, t]) => Number.isInteger(Number(k)) && typeof t === "string")
    ? null
    : "must map whole-number levels to tag strings";

const CHECKS: Record<string, Check> = {
  SECRET_KEY: (v) => typeof v === "string" && v !== "" ? null : "must not be empty",
  SECRET_KEY_FALLBACKS: strings,
  DEFAULT_HASHING_ALGORITHM: (v) =>
    v === "sha256" || v === "sha1" ? null : 'must be "sha256" or "sha1"',
  SESSION_COOKIE_NAME: cookieName,
  SESSION_COOKIE_AGE: seconds,
  SESSION_COOKIE_DOMAIN: cookieDomain,
  SESSION_COOKIE_PATH: cookiePath,
  SESSION_COOKIE_SECURE: boolean,
  SESSION_COOKIE_HTTPONLY: boolean,
  SESSION_COOKIE_SAMESITE: sameSite,
  SESSION_SAVE_EVERY_REQUEST: boolean,
  SESSION_EXPIRE_AT_BROWSER_CLOSE: boolean,
  SESSION_SERIALIZER: (v) =>
    v === "django.contrib.sessions.serializers.JSONSerializer"
      ? null
      : "must be Django's JSONSerializer: other serializers (pickle) cannot be shared safely",
  CSRF_COOKIE_NAME: cookieName,
  CSRF_COOKIE_AGE: (v, name) => v === null ? null : seconds(v, name),
  CSRF_COOKIE_DOMAIN: cookieDomain,
  CSRF_COOKIE_PATH: cookiePath,
  CSRF_COOKIE_SECURE: boolean,
  CSRF_COOKIE_HTTPONLY: boolean,
  CSRF_COOKIE_SAMESITE: sameSite,
  CSRF_HEADER_NAME: headerName,
  CSRF_TRUSTED_ORIGINS: origins,
  CSRF_USE_SESSIONS: boolean,
  MESSAGE_LEVEL: (v) => Number.isSafeInteger(v) ? null : "must be a whole number",
  MESSAGE_TAGS: levelTags,
  MESSAGE_STORAGE: string,
  LOGIN_URL: (v) => typeof v === "string" && v !== "" ? null : "must be a URL or path",
  PASSWORD_HASHERS: (v, name) =>
    strings(v, name) ?? ((v as string[]).length > 0 ? null : "must name at least one hasher"),
  AUTHENTICATION_BACKENDS: strings,
  hashers: (v) =>
    Array.isArray(v) &&
      v.every((h) =>
        typeof h?.algorithm === "string" && typeof h?.path === "string" &&
        typeof h?.encode === "function" && typeof h?.verify === "function"
      )
      ? null
      : "must be a list of password hashers (from @django-interop/session/hashers)",
  djangoVersion: version,
  sessionStoreClass: (v) =>
    typeof v === "string" && /^[A-Za-z_][\w.]*$/.test(v) ? null : "must be a Python class name",
  maxDecompressedBytes: positive,
};

/**
 * Throws for the first setting whose value Django (or a header) would refuse.
 *
 * @param settings every setting, defaults filled in
 * @throws {ImproperlyConfigured} naming the setting and what it must be
 */
export function checkSettings(settings: Record<string, unknown>): void {
  for (const [name, check] of Object.entries(CHECKS)) {
    const problem = check(settings[name], name);
    if (problem) {
      const got = name.includes("SECRET") ? typeof settings[name] : describe(settings[name]);
      throw new ImproperlyConfigured(`${name} ${problem} (got ${got})`);
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
