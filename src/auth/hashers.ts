/**
 * Django's password hashes (`django.contrib.auth.hashers`), as they sit in `auth_user.password`:
 *
 * ```text
 * pbkdf2_sha256$1000000$kQmDkJ4vYQnG1Bq3sS8NfZ$<base64 of 32 PBKDF2-HMAC-SHA256 bytes>
 * algorithm    $iterations$salt (22 of [a-zA-Z0-9]) $hash (standard base64, padded)
 * ```
 *
 * Web Crypto has PBKDF2, so `pbkdf2_sha256` (Django's default) and `pbkdf2_sha1` are verified here;
 * every other Django hasher is named and refused with {@linkcode UnsupportedHasher}.
 *
 * @module
 */
import { ImproperlyConfigured, UnsupportedHasher } from "../errors.ts";
import { pbkdf2, timingSafeEqual } from "../primitives/crypto.ts";

/** The PBKDF2 hashers this module verifies and makes. */
export type Pbkdf2Algorithm = "pbkdf2_sha256" | "pbkdf2_sha1";

/** The PBKDF2 hashers Web Crypto can run: digest and derived length (Django's `dklen=None`). */
const PBKDF2_HASHERS: Record<Pbkdf2Algorithm, { hash: "SHA-256" | "SHA-1"; bytes: number }> = {
  pbkdf2_sha256: { hash: "SHA-256", bytes: 32 },
  pbkdf2_sha1: { hash: "SHA-1", bytes: 20 },
};

/** Django's other hashers: real users may have these hashes, so they must not read as "wrong". */
const OTHER_HASHERS = new Set([
  "argon2",
  "bcrypt",
  "bcrypt_sha256",
  "scrypt",
  "sha1",
  "md5",
  "unsalted_sha1",
  "unsalted_md5",
  "crypt",
]);

/** Django's `UNUSABLE_PASSWORD_PREFIX`: `set_unusable_password()` writes "!" + random text. */
const UNUSABLE_PASSWORD_PREFIX = "!";

/** `get_random_string`'s alphabet; 22 of them carry Django's `salt_entropy` of 128 bits. */
const SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SALT_LENGTH = 22;

/** Django's `identify_hasher`: ancient unsalted hashes are recognised by their length. */
function algorithmOf(encoded: string): string {
  if ((encoded.length === 32 && !encoded.includes("$")) || /^md5\$\$.{32}$/.test(encoded)) {
    return "unsalted_md5";
  }
  if (/^sha1\$\$.{40}$/.test(encoded)) return "unsalted_sha1";
  return encoded.split("$", 1)[0];
}

function isPbkdf2(algorithm: string): algorithm is Pbkdf2Algorithm {
  return Object.hasOwn(PBKDF2_HASHERS, algorithm);
}

async function pbkdf2Base64(
  algorithm: Pbkdf2Algorithm,
  password: string,
  salt: string,
  iterations: number,
): Promise<string> {
  const { hash, bytes } = PBKDF2_HASHERS[algorithm];
  const derived = await pbkdf2(password, salt, iterations, hash, bytes);
  return btoa(String.fromCharCode(...derived));
}

/**
 * Checks `password` against a hash from `auth_user.password`, like Django's `check_password`
 * (without its re-hash on success: Django does that at its own next login). The comparison is
 * constant-time; a malformed hash, an unusable password (`!…`) or an unknown algorithm is `false`.
 *
 * @param password the password as typed
 * @param encoded the stored hash (`null` for none)
 * @returns whether the password matches
 * @throws {UnsupportedHasher} when the hash comes from a Django hasher other than PBKDF2
 *   (argon2, bcrypt, scrypt, md5, …): a silent `false` would look like a wrong password
 *
 * @example
 * ```ts
 * import { makePassword, verifyPassword } from "@django-interop/session/auth";
 * const encoded = await makePassword("s3cret", { iterations: 1000 });
 * console.log(await verifyPassword("s3cret", encoded)); // true
 * ```
 */
export async function verifyPassword(password: string, encoded: string | null): Promise<boolean> {
  if (typeof encoded !== "string" || encoded.startsWith(UNUSABLE_PASSWORD_PREFIX)) return false;
  const algorithm = algorithmOf(encoded);
  if (OTHER_HASHERS.has(algorithm)) throw new UnsupportedHasher(algorithm);
  if (!isPbkdf2(algorithm)) return false;
  const [, iterations, salt, hash] = encoded.split("$");
  if (hash === undefined || encoded.split("$").length !== 4 || !/^[1-9]\d{0,9}$/.test(iterations)) {
    return false;
  }
  const computed = await pbkdf2Base64(algorithm, password, salt, Number(iterations));
  // Django compares the whole re-encoded string (`constant_time_compare(encoded, encoded_2)`).
  return timingSafeEqual(hash, computed);
}

/** Options of {@linkcode makePassword}. */
export interface MakePasswordOptions {
  /**
   * PBKDF2 iterations (Django 5.2's `PBKDF2PasswordHasher.iterations`).
   *
   * @default 1000000
   */
  iterations?: number;
  /**
   * The hasher.
   *
   * @default "pbkdf2_sha256"
   */
  algorithm?: Pbkdf2Algorithm;
}

/**
 * Hashes a password the way Django's `make_password` does with a PBKDF2 hasher, so that a user
 * created from TypeScript can log in to Django.
 *
 * @param password the password to hash
 * @param options iterations and hasher
 * @returns the encoded hash for `auth_user.password`, with a fresh 22-character salt
 * @throws {ImproperlyConfigured} when `iterations` is not a positive integer
 *
 * @example
 * ```ts
 * import { makePassword } from "@django-interop/session/auth";
 * const encoded = await makePassword("s3cret", { iterations: 1000 });
 * console.log(encoded.startsWith("pbkdf2_sha256$1000$")); // true
 * ```
 */
export async function makePassword(
  password: string,
  { iterations = 1_000_000, algorithm = "pbkdf2_sha256" }: MakePasswordOptions = {},
): Promise<string> {
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new ImproperlyConfigured(`iterations must be a positive integer, not ${iterations}`);
  }
  const salt = randomSalt();
  const hash = await pbkdf2Base64(algorithm, password, salt, iterations);
  return `${algorithm}$${iterations}$${salt}$${hash}`;
}

function randomSalt(): string {
  let salt = "";
  while (salt.length < SALT_LENGTH) {
    // 248 = 4 × 62: drawing again above it keeps every character equally likely.
    for (const byte of crypto.getRandomValues(new Uint8Array(SALT_LENGTH))) {
      if (byte < 248 && salt.length < SALT_LENGTH) salt += SALT_CHARS[byte % SALT_CHARS.length];
    }
  }
  return salt;
}
