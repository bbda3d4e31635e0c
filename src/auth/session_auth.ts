/**
 * What Django's `contrib.auth` keeps in the session, and the settings that decide it. A logged-in
 * session holds three keys:
 *
 * ```json
 * {
 *   "_auth_user_id": "42",
 *   "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
 *   "_auth_user_hash": "<64 hex: salted_hmac(key_salt, password column, SECRET_KEY, sha256)>"
 * }
 * ```
 *
 * The hash binds the session to the password hash: when the password changes, every other session
 * of that user stops verifying (Django's "session invalidation on password change").
 *
 * @module
 */
import { timingSafeEqual } from "../primitives/crypto.ts";
import { hexEncode, saltedHmac } from "../signing/salted_hmac.ts";
import { djangoAtLeast, type DjangoSettings } from "../settings/settings.ts";

/** Django's `SESSION_KEY`: the user's primary key as a string. */
export const SESSION_KEY = "_auth_user_id";
/** Django's `BACKEND_SESSION_KEY`: the dotted path of the backend that authenticated the user. */
export const BACKEND_SESSION_KEY = "_auth_user_backend";
/** Django's `HASH_SESSION_KEY`: the session auth hash of the user's password column. */
export const HASH_SESSION_KEY = "_auth_user_hash";

/** Django's default `AUTHENTICATION_BACKENDS` entry. */
export const MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend";

/** The `key_salt` of `AbstractBaseUser.get_session_auth_hash`. */
const KEY_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash";

/**
 * Django's `get_session_auth_hash()`: the salted HMAC of the password column, as hex.
 *
 * @param password the user's `password` column, whole (`pbkdf2_sha256$…`)
 * @param secret `SECRET_KEY`, or one of its fallbacks
 * @param algorithm sha256 (Django 3.1+), or sha1 (3.1/3.2 legacy and `DEFAULT_HASHING_ALGORITHM`)
 * @default algorithm "sha256"
 * @returns 64 (sha256) or 40 (sha1) lowercase hex digits
 *
 * @example
 * ```ts
 * import { sessionAuthHash } from "@django-interop/session/auth";
 * const hash = await sessionAuthHash("pbkdf2_sha256$1000$salt$hash", "django-insecure-key");
 * console.log(hash.length); // 64
 * ```
 */
export async function sessionAuthHash(
  password: string,
  secret: string,
  algorithm: "sha256" | "sha1" = "sha256",
): Promise<string> {
  return hexEncode(await saltedHmac(KEY_SALT, password, secret, algorithm));
}

/**
 * The hash `login` writes and `getUser` checks first: under `secretKey`, with
 * `defaultHashingAlgorithm`.
 *
 * @param password the user's password column
 * @param settings `SECRET_KEY` and `DEFAULT_HASHING_ALGORITHM`
 * @returns the hex hash
 */
export function currentAuthHash(password: string, settings: DjangoSettings): Promise<string> {
  return sessionAuthHash(password, settings.SECRET_KEY, settings.DEFAULT_HASHING_ALGORITHM);
}

/** How a session's `_auth_user_hash` verified against the user's password column. */
export type HashCheck = "current" | "fallback" | "mismatch";

/**
 * Checks a session's hash in Django's order: the current hash, then (when enabled) the legacy sha1
 * one, then each fallback key. Every comparison is constant-time.
 *
 * @param sessionHash what `_auth_user_hash` holds
 * @param password the user's password column
 * @param settings the secret keys and the Django release
 * @returns which key verified it, or `"mismatch"`
 */
export async function checkSessionHash(
  sessionHash: unknown,
  password: string,
  settings: DjangoSettings,
): Promise<HashCheck> {
  // Django: `if not session_hash` → unverified, without hashing anything.
  if (typeof sessionHash !== "string" || sessionHash === "") return "mismatch";
  if (timingSafeEqual(sessionHash, await currentAuthHash(password, settings))) return "current";
  // Django 3.1/3.2's `_legacy_get_session_auth_hash`; 4.0+ log such sessions out.
  if (
    !djangoAtLeast(settings, "4.0") &&
    timingSafeEqual(sessionHash, await sessionAuthHash(password, settings.SECRET_KEY, "sha1"))
  ) {
    return "current";
  }
  // Django 4.1.8+ `get_session_auth_fallback_hash`: always sha256.
  for (const fallback of settings.SECRET_KEY_FALLBACKS) {
    if (timingSafeEqual(sessionHash, await sessionAuthHash(password, fallback))) return "fallback";
  }
  return "mismatch";
}
