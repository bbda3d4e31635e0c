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
/** Django's `UNUSABLE_PASSWORD_SUFFIX_LENGTH`. */
const UNUSABLE_PASSWORD_SUFFIX_LENGTH = 40;

/**
 * The most PBKDF2 iterations a stored hash may ask for: 20 times Django 5.2's 1,000,000. A hash
 * past it (`pbkdf2_sha256$4294967295$…`, written by anyone who can write the user table) would
 * keep a core busy for hours per login attempt; it is refused as a malformed hash is.
 */
export const MAX_PBKDF2_ITERATIONS = 20_000_000;

/** A lone surrogate: no UTF-8 for it, so Python's `str.encode` raises where TextEncoder would guess. */
const LONE_SURROGATE = /\p{Cs}/u;

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
  password: string | Uint8Array,
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
 * constant-time; a malformed hash, an unusable password (`!…`), an unknown algorithm, an iteration
 * count past {@linkcode MAX_PBKDF2_ITERATIONS} or a password Python cannot encode (a lone
 * surrogate) is `false`.
 *
 * @param password the password as typed
 * @param encoded the stored hash (`null` for none)
 * @returns whether the password matches
 * @throws {UnsupportedHasher} when the hash comes from a Django hasher other than PBKDF2
 *   (argon2, bcrypt, scrypt, md5, …): a silent `false` would look like a wrong password
 *
 * @example
 * ```ts
 * import { makePassword, verifyPassword } from "@django-interop/session";
 * const encoded = await makePassword("s3cret", { iterations: 1000 });
 * console.log(await verifyPassword("s3cret", encoded)); // true
 * ```
 */
export async function verifyPassword(password: string, encoded: string | null): Promise<boolean> {
  if (typeof encoded !== "string" || encoded.startsWith(UNUSABLE_PASSWORD_PREFIX)) return false;
  if (typeof password !== "string" || LONE_SURROGATE.test(password)) return false;
  const algorithm = algorithmOf(encoded);
  if (OTHER_HASHERS.has(algorithm)) throw new UnsupportedHasher(algorithm);
  if (!isPbkdf2(algorithm)) return false;
  const [, iterations, salt, hash] = encoded.split("$");
  if (hash === undefined || encoded.split("$").length !== 4 || !/^[1-9]\d{0,9}$/.test(iterations)) {
    return false;
  }
  if (Number(iterations) > MAX_PBKDF2_ITERATIONS) return false;
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
 * @param password the password to hash (bytes are hashed as they are); `null` gives an unusable
 *   password (`!` and 40 random characters), as Django's `make_password(None)`
 * @param options iterations and hasher
 * @returns the encoded hash for `auth_user.password`, with a fresh 22-character salt
 * @throws {TypeError} for anything but a string, bytes or null (Django's message), and for a
 *   string with a lone surrogate (Python cannot encode it)
 * @throws {ImproperlyConfigured} when `iterations` is not a positive integer
 *
 * @example
 * ```ts
 * import { makePassword } from "@django-interop/session";
 * const encoded = await makePassword("s3cret", { iterations: 1000 });
 * console.log(encoded.startsWith("pbkdf2_sha256$1000$")); // true
 * ```
 */
export async function makePassword(
  password: string | Uint8Array | null,
  { iterations = 1_000_000, algorithm = "pbkdf2_sha256" }: MakePasswordOptions = {},
): Promise<string> {
  if (password === null) {
    return UNUSABLE_PASSWORD_PREFIX + randomString(UNUSABLE_PASSWORD_SUFFIX_LENGTH);
  }
  if (typeof password !== "string" && !(password instanceof Uint8Array)) {
    throw new TypeError(`Password must be a string or bytes, got ${pythonType(password)}.`);
  }
  if (typeof password === "string" && LONE_SURROGATE.test(password)) {
    throw new TypeError("Password has a lone surrogate, which Python cannot encode");
  }
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new ImproperlyConfigured(`iterations must be a positive integer, not ${iterations}`);
  }
  const salt = randomString(SALT_LENGTH);
  const hash = await pbkdf2Base64(algorithm, password, salt, iterations);
  return `${algorithm}$${iterations}$${salt}$${hash}`;
}

/** The Python type a JSON-ish value would have, for Django's error messages. */
function pythonType(value: unknown): string {
  if (value === undefined) return "NoneType";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return "list";
  if (typeof value !== "object") return typeof value;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null ? "dict" : value!.constructor.name;
}

/** Django's `get_random_string(length)`: salts and unusable-password suffixes. */
function randomString(length: number): string {
  let out = "";
  while (out.length < length) {
    // 248 = 4 × 62: drawing again above it keeps every character equally likely.
    for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
      if (byte < 248 && out.length < length) out += SALT_CHARS[byte % SALT_CHARS.length];
    }
  }
  return out;
}
