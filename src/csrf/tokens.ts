/**
 * Django's CSRF tokens as pure functions (`django/middleware/csrf.py`): a 32-character secret over
 * the 62 letters and digits, and the 64-character masked token a form or header carries — a fresh
 * random 32-character mask followed by the secret shifted by it, character by character, modulo 62.
 * Masking makes each rendered token different (no BREACH compression oracle), while any of them
 * unmasks to the same secret.
 *
 * ```
 * secret  abcdefghijklmnopqrstuvwxyzABCDEF
 * token   <32-char random mask><32-char (secret + mask) mod 62>
 * ```
 *
 * @module
 */
import { timingSafeEqual } from "../primitives/crypto.ts";

/** Django's `CSRF_ALLOWED_CHARS`: `string.ascii_letters + string.digits`. */
export const CSRF_ALLOWED_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/** Django's `CSRF_SECRET_LENGTH`. */
export const CSRF_SECRET_LENGTH = 32;
/** Django's `CSRF_TOKEN_LENGTH`: a mask and a cipher. */
export const CSRF_TOKEN_LENGTH = 64;

const INDEX = new Map([...CSRF_ALLOWED_CHARS].map((c, i) => [c, i]));
const N = CSRF_ALLOWED_CHARS.length;

/**
 * A new random secret, as Django's `_get_new_csrf_string` (uniform over the 62 characters).
 *
 * @returns 32 letters and digits
 * @example
 * ```ts
 * import { newCsrfSecret } from "@django-interop/session/csrf";
 * console.log(newCsrfSecret().length); // 32
 * ```
 */
export function newCsrfSecret(): string {
  let out = "";
  while (out.length < CSRF_SECRET_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(48))) {
      // 248 = 4 × 62: rejecting the rest keeps every character equally likely.
      if (byte < 248 && out.length < CSRF_SECRET_LENGTH) out += CSRF_ALLOWED_CHARS[byte % N];
    }
  }
  return out;
}

/**
 * Masks a secret with a fresh random mask (Django's `_mask_cipher_secret`).
 *
 * @param secret 32 characters of {@linkcode CSRF_ALLOWED_CHARS}
 * @returns the 64-character token
 * @example
 * ```ts
 * import { maskCsrfSecret, unmaskCsrfToken } from "@django-interop/session/csrf";
 * const secret = "abcdefghijklmnopqrstuvwxyzABCDEF";
 * console.log(unmaskCsrfToken(maskCsrfSecret(secret)) === secret); // true
 * ```
 */
export function maskCsrfSecret(secret: string): string {
  const mask = newCsrfSecret();
  let cipher = "";
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) {
    cipher += CSRF_ALLOWED_CHARS[(INDEX.get(secret[i])! + INDEX.get(mask[i])!) % N];
  }
  return mask + cipher;
}

/**
 * The secret inside a masked token (Django's `_unmask_cipher_token`).
 *
 * @param token 64 characters of {@linkcode CSRF_ALLOWED_CHARS}
 * @returns the 32-character secret
 * @example
 * ```ts
 * import { unmaskCsrfToken } from "@django-interop/session/csrf";
 * console.log(unmaskCsrfToken("a".repeat(32) + "abcdefghijklmnopqrstuvwxyzABCDEF"));
 * // abcdefghijklmnopqrstuvwxyzABCDEF
 * ```
 */
export function unmaskCsrfToken(token: string): string {
  let secret = "";
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) {
    const x = INDEX.get(token[CSRF_SECRET_LENGTH + i])! - INDEX.get(token[i])!;
    secret += CSRF_ALLOWED_CHARS[(x + N) % N];
  }
  return secret;
}

/**
 * Django's `_check_token_format` (4.0+): why a cookie secret or a request token is malformed, in
 * Django's words, or `null` when it has 32 or 64 characters, all letters and digits.
 *
 * @param token the cookie value or the form/header token
 * @returns `"has incorrect length"`, `"has invalid characters"` or `null`
 * @example
 * ```ts
 * import { csrfTokenFormatError } from "@django-interop/session/csrf";
 * console.log(csrfTokenFormatError("abc")); // has incorrect length
 * ```
 */
export function csrfTokenFormatError(token: string): string | null {
  if (token.length !== CSRF_TOKEN_LENGTH && token.length !== CSRF_SECRET_LENGTH) {
    return "has incorrect length";
  }
  return /[^a-zA-Z0-9]/.test(token) ? "has invalid characters" : null;
}

/**
 * Django's `_does_token_match` (4.0+): whether a well-formed request token (a bare secret or a
 * masked token) carries `secret`, compared in constant time.
 *
 * @param token a token {@linkcode csrfTokenFormatError} accepted
 * @param secret the request's secret
 * @returns true when they match
 * @example
 * ```ts
 * import { csrfTokenMatches, maskCsrfSecret } from "@django-interop/session/csrf";
 * const secret = "abcdefghijklmnopqrstuvwxyzABCDEF";
 * console.log(csrfTokenMatches(maskCsrfSecret(secret), secret)); // true
 * ```
 */
export function csrfTokenMatches(token: string, secret: string): boolean {
  const unmasked = token.length === CSRF_TOKEN_LENGTH ? unmaskCsrfToken(token) : token;
  return timingSafeEqual(unmasked, secret);
}

/**
 * Django 3.2's `_sanitize_token`: a masked token as is, a bare secret masked, anything else
 * replaced by a new random token (which then matches nothing).
 *
 * @param token the cookie value or the form/header token
 * @returns a 64-character masked token
 * @example
 * ```ts
 * import { sanitizeCsrfToken } from "@django-interop/session/csrf";
 * console.log(sanitizeCsrfToken("not a token!").length); // 64
 * ```
 */
export function sanitizeCsrfToken(token: string): string {
  if (/[^a-zA-Z0-9]/.test(token)) return maskCsrfSecret(newCsrfSecret());
  if (token.length === CSRF_TOKEN_LENGTH) return token;
  if (token.length === CSRF_SECRET_LENGTH) return maskCsrfSecret(token);
  return maskCsrfSecret(newCsrfSecret());
}
