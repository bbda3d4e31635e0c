/**
 * Django's settings, given once: {@linkcode djangoSettings} takes the lines of `settings.py` that
 * concern sessions, signing, CSRF, messages and auth — under Django's own UPPER_CASE names, so they
 * can be pasted — fills in Django's defaults, checks every value once, and returns one frozen
 * object that every store, middleware, adapter and auth call takes.
 *
 * Keys in UPPER_CASE are Django's settings, spelled as in Django's docs. The few camelCase keys are
 * ours: they have no Django setting (which Django release the site runs, the session store's class
 * name, the inflate cap).
 *
 * @module
 */
import { ImproperlyConfigured } from "../errors.ts";
import type { PasswordHasher } from "./password_hasher.ts";
import { checkSettings } from "./validate.ts";

/** `SESSION_COOKIE_SAMESITE` / `CSRF_COOKIE_SAMESITE`: Django's values, or `false` for none. */
export type SameSite = "Lax" | "Strict" | "None" | false;

/** What {@linkcode djangoSettings} accepts: `SECRET_KEY` and any of Django's settings below. */
export interface DjangoSettingsInput {
  /** `SECRET_KEY`: signs sessions, cookies and auth hashes. Required, as in Django. */
  SECRET_KEY: string;
  /** `SECRET_KEY_FALLBACKS` (4.1+): older keys still accepted when verifying. @default {[]} */
  SECRET_KEY_FALLBACKS?: readonly string[];
  /** `DEFAULT_HASHING_ALGORITHM` (3.1–3.2 only): `"sha1"` signs as Django 3.0 did. @default {"sha256"} */
  DEFAULT_HASHING_ALGORITHM?: "sha256" | "sha1";
  /** `SESSION_COOKIE_NAME`. @default {"sessionid"} */
  SESSION_COOKIE_NAME?: string;
  /** `SESSION_COOKIE_AGE`: seconds a session lives after its last save. @default {1209600} */
  SESSION_COOKIE_AGE?: number;
  /** `SESSION_COOKIE_DOMAIN`: `null` for a host-only cookie. @default {null} */
  SESSION_COOKIE_DOMAIN?: string | null;
  /** `SESSION_COOKIE_PATH`. @default {"/"} */
  SESSION_COOKIE_PATH?: string;
  /** `SESSION_COOKIE_SECURE`. @default {false} */
  SESSION_COOKIE_SECURE?: boolean;
  /** `SESSION_COOKIE_HTTPONLY`. @default {true} */
  SESSION_COOKIE_HTTPONLY?: boolean;
  /** `SESSION_COOKIE_SAMESITE` (Python's `None` is `false` or `null` here). @default {"Lax"} */
  SESSION_COOKIE_SAMESITE?: SameSite | null;
  /** `SESSION_SAVE_EVERY_REQUEST`: save and re-send the cookie on every request. @default {false} */
  SESSION_SAVE_EVERY_REQUEST?: boolean;
  /** `SESSION_EXPIRE_AT_BROWSER_CLOSE`. @default {false} */
  SESSION_EXPIRE_AT_BROWSER_CLOSE?: boolean;
  /** `SESSION_SERIALIZER`: only Django's JSON serializer can be shared. @default {"django.contrib.sessions.serializers.JSONSerializer"} */
  SESSION_SERIALIZER?: string;
  /** `CSRF_COOKIE_NAME`. @default {"csrftoken"} */
  CSRF_COOKIE_NAME?: string;
  /** `CSRF_COOKIE_AGE` in seconds; `null` for a browser-session cookie. @default {31449600} */
  CSRF_COOKIE_AGE?: number | null;
  /** `CSRF_COOKIE_DOMAIN`. @default {null} */
  CSRF_COOKIE_DOMAIN?: string | null;
  /** `CSRF_COOKIE_PATH`. @default {"/"} */
  CSRF_COOKIE_PATH?: string;
  /** `CSRF_COOKIE_SECURE`. @default {false} */
  CSRF_COOKIE_SECURE?: boolean;
  /** `CSRF_COOKIE_HTTPONLY`. @default {false} */
  CSRF_COOKIE_HTTPONLY?: boolean;
  /** `CSRF_COOKIE_SAMESITE`. @default {"Lax"} */
  CSRF_COOKIE_SAMESITE?: SameSite | null;
  /** `CSRF_HEADER_NAME`, in Django's `request.META` form. @default {"HTTP_X_CSRFTOKEN"} */
  CSRF_HEADER_NAME?: string;
  /** `CSRF_TRUSTED_ORIGINS`: origins with their scheme, `https://*.example.com` allowed. @default {[]} */
  CSRF_TRUSTED_ORIGINS?: readonly string[];
  /** `CSRF_USE_SESSIONS`: keep the CSRF secret in the session instead of a cookie. @default {false} */
  CSRF_USE_SESSIONS?: boolean;
  /** `MESSAGE_LEVEL`: messages below it are dropped. @default {20} (INFO) */
  MESSAGE_LEVEL?: number;
  /** `MESSAGE_TAGS`: extra or replaced level → tag names. @default {{}} */
  MESSAGE_TAGS?: Readonly<Record<number, string>>;
  /** `MESSAGE_STORAGE`. @default {"django.contrib.messages.storage.fallback.FallbackStorage"} */
  MESSAGE_STORAGE?: string;
  /** `LOGIN_URL`, where login-required pages redirect to. @default {"/accounts/login/"} */
  LOGIN_URL?: string;
  /** `PASSWORD_HASHERS`: dotted paths, the first one preferred. @default Django's list */
  PASSWORD_HASHERS?: readonly string[];
  /** `AUTHENTICATION_BACKENDS`: the backends whose sessions are accepted. @default {["django.contrib.auth.backends.ModelBackend"]} */
  AUTHENTICATION_BACKENDS?: readonly string[];
  /**
   * Ours: the implementations of `PASSWORD_HASHERS` entries beyond Django's PBKDF2 ones (built in),
   * e.g. `argon2Hasher()` from `@django-interop/session/hashers`. A hash whose hasher is listed in
   * `PASSWORD_HASHERS` but has no implementation here throws `UnsupportedHasher`.
   *
   * @default {[]}
   */
  hashers?: readonly PasswordHasher[];
  /**
   * Ours: the Django release the site runs (`"3.2"`, `"4.2"`, `"5.2"`, `"6.1"`, …). It decides the
   * forms that changed between releases: expiry dates (ISO strings since 4.1, seconds before), the
   * CSRF cookie (a 32-character secret since 4.1, a masked 64-character token before), sha1 session
   * auth hashes (accepted by 3.1/3.2), empty `extra_tags` in messages (omitted by 3.2).
   *
   * @default {"5.2"}
   */
  djangoVersion?: string;
  /**
   * Ours: the `__qualname__` of the site's `SessionStore` class, which salts session data
   * (`django.contrib.sessions.<qualname>`). Change it only for a project store class of another name.
   *
   * @default {"SessionStore"}
   */
  sessionStoreClass?: string;
  /**
   * Ours: the most bytes a compressed session or cookie may inflate to (checked after its
   * signature); Django sets no limit.
   *
   * @default {1048576} (1 MiB)
   */
  maxDecompressedBytes?: number;
}

/** The settings {@linkcode djangoSettings} returns: every key filled in, frozen. */
export type DjangoSettings = Readonly<
  & Required<Omit<DjangoSettingsInput, "SESSION_COOKIE_SAMESITE" | "CSRF_COOKIE_SAMESITE">>
  & { SESSION_COOKIE_SAMESITE: SameSite; CSRF_COOKIE_SAMESITE: SameSite }
>;

/** Django's defaults (its `global_settings.py`), for every setting but `SECRET_KEY`. */
export const DJANGO_DEFAULTS: Omit<DjangoSettings, "SECRET_KEY"> = Object.freeze({
  SECRET_KEY_FALLBACKS: [],
  DEFAULT_HASHING_ALGORITHM: "sha256",
  SESSION_COOKIE_NAME: "sessionid",
  SESSION_COOKIE_AGE: 1209600,
  SESSION_COOKIE_DOMAIN: null,
  SESSION_COOKIE_PATH: "/",
  SESSION_COOKIE_SECURE: false,
  SESSION_COOKIE_HTTPONLY: true,
  SESSION_COOKIE_SAMESITE: "Lax",
  SESSION_SAVE_EVERY_REQUEST: false,
  SESSION_EXPIRE_AT_BROWSER_CLOSE: false,
  SESSION_SERIALIZER: "django.contrib.sessions.serializers.JSONSerializer",
  CSRF_COOKIE_NAME: "csrftoken",
  CSRF_COOKIE_AGE: 31449600,
  CSRF_COOKIE_DOMAIN: null,
  CSRF_COOKIE_PATH: "/",
  CSRF_COOKIE_SECURE: false,
  CSRF_COOKIE_HTTPONLY: false,
  CSRF_COOKIE_SAMESITE: "Lax",
  CSRF_HEADER_NAME: "HTTP_X_CSRFTOKEN",
  CSRF_TRUSTED_ORIGINS: [],
  CSRF_USE_SESSIONS: false,
  MESSAGE_LEVEL: 20,
  MESSAGE_TAGS: {},
  MESSAGE_STORAGE: "django.contrib.messages.storage.fallback.FallbackStorage",
  LOGIN_URL: "/accounts/login/",
  PASSWORD_HASHERS: [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
  ],
  AUTHENTICATION_BACKENDS: ["django.contrib.auth.backends.ModelBackend"],
  hashers: [],
  djangoVersion: "5.2",
  sessionStoreClass: "SessionStore",
  maxDecompressedBytes: 1048576,
});

/**
 * Django's settings for this module, checked once: Django's defaults filled in, every value
 * validated, the result frozen. Give the same object to the store, the middleware and auth.
 *
 * @param input `SECRET_KEY` and any other setting, under Django's names
 * @returns the complete, frozen settings
 * @throws {ImproperlyConfigured} naming the setting, for an unknown name or a value Django would
 *   refuse (an empty `SECRET_KEY`, a cookie name or domain a cookie cannot carry, a `SameSite`
 *   other than `Lax`/`Strict`/`None`, a non-JSON `SESSION_SERIALIZER`, …)
 *
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * const settings = djangoSettings({
 *   SECRET_KEY: "django-insecure-key",
 *   SESSION_COOKIE_AGE: 3600,
 *   SESSION_COOKIE_SECURE: true,
 * });
 * console.log(settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_AGE); // sessionid 3600
 * ```
 */
export function djangoSettings(input: DjangoSettingsInput): DjangoSettings {
  if (typeof input !== "object" || input === null) {
    throw new ImproperlyConfigured("djangoSettings() takes an object such as { SECRET_KEY: … }");
  }
  const settings = { ...DJANGO_DEFAULTS, ...withoutUndefined(input) } as Record<string, unknown>;
  for (const name of Object.keys(input)) {
    if (!(name in DJANGO_DEFAULTS) && name !== "SECRET_KEY") throw unknownSetting(name);
  }
  for (const name of ["SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE"]) {
    if (settings[name] === null) settings[name] = false;
  }
  checkSettings(settings);
  // Django 3.2's list has no scrypt (added in 4.0).
  if (input.PASSWORD_HASHERS === undefined && !djangoAtLeast(settings as DjangoSettings, "4.0")) {
    settings.PASSWORD_HASHERS = DJANGO_DEFAULTS.PASSWORD_HASHERS.filter((p) =>
      !p.includes("Scrypt")
    );
  }
  // Frozen copies: the caller's lists stay theirs to change, and changing them changes nothing here.
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value === "object" && value !== null) {
      settings[name] = Object.freeze(Array.isArray(value) ? [...value] : { ...value });
    }
  }
  const result = Object.freeze(settings) as DjangoSettings;
  checked.add(result);
  return result;
}

/** `{ SESSION_COOKIE_AGE: undefined }` means Django's default, as an absent key does. */
function withoutUndefined(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

function unknownSetting(name: string): ImproperlyConfigured {
  const known = [...Object.keys(DJANGO_DEFAULTS), "SECRET_KEY"];
  const [close] = known
    .map((k) => [k, distance(normal(k), normal(name))] as const)
    .filter(([, d]) => d <= 3)
    .sort((a, b) => a[1] - b[1])[0] ?? [];
  return new ImproperlyConfigured(
    `${name} is not a setting this module knows` + (close ? `: did you mean ${close}?` : ""),
  );
}

function normal(name: string): string {
  return name.toLowerCase().replaceAll("_", "");
}

/** Levenshtein distance, for the "did you mean" of a mistyped setting. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/**
 * Whether the configured Django release is at least `major.minor`.
 *
 * @param settings the settings
 * @param version e.g. `"4.1"`
 * @returns true for that release or a later one
 */
export function djangoAtLeast(
  settings: Pick<DjangoSettings, "djangoVersion">,
  version: string,
): boolean {
  return releaseNumber(settings.djangoVersion) >= releaseNumber(version);
}

// The CSRF check asks on every request; a handful of releases, parsed once each.
const releases = new Map<string, number>();

/** `"4.2"` → 4002: majors and minors in one comparable number. */
function releaseNumber(version: string): number {
  let number = releases.get(version);
  if (number === undefined) {
    const [major, minor] = version.split(".").map(Number);
    releases.set(version, number = major * 1000 + minor);
  }
  return number;
}

const checked = new WeakSet<object>();

/** Settings as the module's functions take them: from {@linkcode djangoSettings}, or its input. */
export type Settings = DjangoSettings | DjangoSettingsInput;

/**
 * The checked settings for `settings`: itself when it came from {@linkcode djangoSettings}, else
 * checked now (once per object).
 *
 * @param settings the settings as given
 * @returns the complete, frozen settings
 * @throws {ImproperlyConfigured} as {@linkcode djangoSettings} does
 */
export function resolveSettings(settings: Settings): DjangoSettings {
  if (checked.has(settings)) return settings as DjangoSettings;
  return djangoSettings(settings);
}
