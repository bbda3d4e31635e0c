/**
 * Django's password hashing (`django.contrib.auth.hashers`) over the hashes in
 * `auth_user.password`:
 *
 * ```text
 * pbkdf2_sha256$1000000$kQmDkJ4vYQnG1Bq3sS8NfZ$<base64 of 32 PBKDF2-HMAC-SHA256 bytes>
 * algorithm    $iterations$salt (22 of [a-zA-Z0-9]) $hash (standard base64, padded)
 * ```
 *
 * `PASSWORD_HASHERS` decides which hashers exist and which one is preferred (the first). PBKDF2
 * and PBKDF2-SHA1 are built in, on Web Crypto; argon2, bcrypt, scrypt and the legacy hashers are
 * given in the settings' `hashers` (from `@django-interop/session/hashers`), so sessions alone
 * need no dependency.
 *
 * @module
 */
import { UnsupportedHasher } from "../errors.ts";
import { type DjangoSettings, resolveSettings, type Settings } from "../settings/settings.ts";
import type { PasswordHasher } from "../settings/password_hasher.ts";
import { builtInHashers, pbkdf2Hasher, randomSalt } from "./pbkdf2.ts";

/** The settings the hashing functions read. */
export type HasherSettings = Settings;

/** Django's `UNUSABLE_PASSWORD_PREFIX`: `set_unusable_password()` writes "!" + random text. */
const UNUSABLE_PASSWORD_PREFIX = "!";
const UNUSABLE_SUFFIX_LENGTH = 40;

/** A lone surrogate: no UTF-8 for it, so Python's `str.encode` raises where TextEncoder would guess. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Django's hashers by path, as far as the settings give them; the preferred one first. */
function hashersOf(input: HasherSettings): PasswordHasher[] {
  const settings: DjangoSettings = resolveSettings(input);
  const given = new Map(
    settings.hashers.map((h) => [h.path, h.forRelease?.(settings.djangoVersion) ?? h]),
  );
  for (const builtIn of builtInHashers(settings.djangoVersion)) {
    if (!given.has(builtIn.path)) given.set(builtIn.path, builtIn);
  }
  return settings.PASSWORD_HASHERS.flatMap((path) => given.get(path) ?? []);
}

/** Django's `identify_hasher` algorithm rule: ancient unsalted hashes are known by their shape. */
function algorithmOf(encoded: string): string {
  if ((encoded.length === 32 && !encoded.includes("$")) || /^md5\$\$.{32}$/.test(encoded)) {
    return "unsalted_md5";
  }
  if (/^sha1\$\$.{40}$/.test(encoded)) return "unsalted_sha1";
  return encoded.split("$", 1)[0];
}

/** Algorithms of Django's own hashers, so that a hash of one is never read as "wrong". */
const DJANGO_ALGORITHMS = new Set([
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

/**
 * Django's `identify_hasher`: the configured hasher that made `encoded`.
 *
 * @param encoded the stored hash
 * @param settings `PASSWORD_HASHERS`, `hashers`, `djangoVersion`
 * @returns the hasher, or `null` when no configured hasher made it (Django's `ValueError`)
 * @throws {UnsupportedHasher} when a Django hasher made it but no implementation is in `hashers`
 *
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { identifyHasher } from "@django-interop/session/auth";
 * const settings = djangoSettings({ SECRET_KEY: "k" });
 * console.log(identifyHasher("pbkdf2_sha256$1000$salt$hash", settings)?.path);
 * // django.contrib.auth.hashers.PBKDF2PasswordHasher
 * ```
 */
export function identifyHasher(encoded: string, settings: HasherSettings): PasswordHasher | null {
  const algorithm = algorithmOf(encoded);
  const hasher = hashersOf(settings).find((h) => h.algorithm === algorithm);
  if (hasher) return hasher;
  if (DJANGO_ALGORITHMS.has(algorithm)) throw new UnsupportedHasher(algorithm);
  return null;
}

/**
 * Django's `is_password_usable`: false for what `set_unusable_password()` wrote.
 *
 * @param encoded the stored hash, or `null`
 * @returns whether a password could match it
 *
 * @example
 * ```ts
 * import { isPasswordUsable } from "@django-interop/session/auth";
 * console.log(isPasswordUsable("!x"), isPasswordUsable("pbkdf2_sha256$1$s$h")); // false true
 * ```
 */
export function isPasswordUsable(encoded: string | null): boolean {
  return encoded === null || !encoded.startsWith(UNUSABLE_PASSWORD_PREFIX);
}

/** What {@linkcode checkPassword} found. */
export interface PasswordCheck {
  /** The password matches. */
  ok: boolean;
  /** Django would re-hash it now (`must_update`: another hasher is preferred, or weaker parameters). */
  mustUpdate: boolean;
}

/**
 * Django's `verify_password`: whether `password` matches and whether Django would re-hash it. Costs
 * what Django's costs: an unusable or unknown hash runs the preferred hasher once, and a wrong
 * password against a weaker hash runs the difference (`harden_runtime`), so timing tells nothing.
 * It never re-hashes itself: that would change the session hash of the user's other logins (see
 * `docs/auth.md`).
 *
 * @param password the password as typed
 * @param encoded the stored hash (`null` for none)
 * @param settings `PASSWORD_HASHERS`, `hashers`, `djangoVersion`
 * @returns `{ ok, mustUpdate }`
 * @throws {UnsupportedHasher} when a Django hasher without an implementation made the hash
 * @throws {TypeError} when `password` is not a string
 *
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { checkPassword, makePassword } from "@django-interop/session/auth";
 * const settings = djangoSettings({ SECRET_KEY: "k", djangoVersion: "4.2" });
 * const old = await makePassword("s3cret", settings, { hasher: "pbkdf2_sha1" });
 * console.log(await checkPassword("s3cret", old, settings)); // { ok: true, mustUpdate: true }
 * ```
 */
export async function checkPassword(
  password: string,
  encoded: string | null,
  settings: HasherSettings,
): Promise<PasswordCheck> {
  if (typeof password !== "string") throw new TypeError("password must be a string");
  const [preferred] = hashersOf(settings);
  // A lone surrogate has no UTF-8: Python's str.encode raises where TextEncoder would guess.
  if (LONE_SURROGATE.test(password)) return { ok: false, mustUpdate: false };
  const hasher = encoded === null || !isPasswordUsable(encoded)
    ? null
    : identifyHasher(encoded, settings);
  if (hasher === null || encoded === null) {
    await preferred.encode(randomSalt(UNUSABLE_SUFFIX_LENGTH), preferred.salt());
    return { ok: false, mustUpdate: false };
  }
  const changed = hasher.algorithm !== preferred.algorithm;
  const mustUpdate = changed || preferred.mustUpdate(encoded);
  const ok = await hasher.verify(password, encoded);
  if (!ok && !changed && mustUpdate) await hasher.hardenRuntime?.(password, encoded);
  return { ok, mustUpdate };
}

/**
 * Django's `check_password` without the setter: whether `password` matches the stored hash.
 *
 * @param password the password as typed
 * @param encoded the stored hash (`null` for none)
 * @param settings `PASSWORD_HASHERS`, `hashers`, `djangoVersion`
 * @returns whether it matches; unusable, malformed and unknown hashes are `false`
 * @throws {UnsupportedHasher} when a Django hasher without an implementation made the hash: a
 *   silent `false` would look like a wrong password
 *
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { makePassword, verifyPassword } from "@django-interop/session/auth";
 * const settings = djangoSettings({ SECRET_KEY: "k" });
 * const encoded = await makePassword("s3cret", settings, { iterations: 1000 });
 * console.log(await verifyPassword("s3cret", encoded, settings)); // true
 * ```
 */
export async function verifyPassword(
  password: string,
  encoded: string | null,
  settings: HasherSettings,
): Promise<boolean> {
  return (await checkPassword(password, encoded, settings)).ok;
}

/** Options of {@linkcode makePassword}. */
export interface MakePasswordOptions {
  /** The hasher's algorithm (`"pbkdf2_sha1"`, `"argon2"`, …). @default the first of `PASSWORD_HASHERS` */
  hasher?: string;
  /** The salt, as Django's `make_password(password, salt)` takes it. @default a fresh one */
  salt?: string;
  /** PBKDF2 iterations instead of the release's (for tests and fixtures). @default Django's */
  iterations?: number;
}

/**
 * Django's `make_password`: hashes `password` with the preferred hasher (or the one named), so that
 * a user created here can log in to Django.
 *
 * @param password the password (UTF-8 bytes are read as their text); `null` gives an unusable
 *   password (`!` and 40 random characters), as Django's `make_password(None)`
 * @param settings `PASSWORD_HASHERS`, `hashers`, `djangoVersion`
 * @param options the hasher, salt and PBKDF2 iterations
 * @returns the text for `auth_user.password`
 * @throws {TypeError} for anything but a string, bytes or null (Django's message), and for a
 *   string with a lone surrogate (Python cannot encode it)
 * @throws {UnsupportedHasher} when the named hasher is not configured
 * @throws {RangeError} when `iterations` is not a positive integer, or given for another hasher
 *
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { makePassword } from "@django-interop/session/auth";
 * const settings = djangoSettings({ SECRET_KEY: "k" });
 * const encoded = await makePassword("s3cret", settings, { salt: "seasalt", iterations: 1000 });
 * console.log(encoded.startsWith("pbkdf2_sha256$1000$seasalt$")); // true
 * ```
 */
export function makePassword(
  password: string | Uint8Array | null,
  settings: HasherSettings,
  options: MakePasswordOptions = {},
): Promise<string> {
  if (password === null) {
    return Promise.resolve(UNUSABLE_PASSWORD_PREFIX + randomSalt(UNUSABLE_SUFFIX_LENGTH));
  }
  if (password instanceof Uint8Array) {
    password = new TextDecoder("utf-8", { fatal: true }).decode(password);
  }
  if (typeof password !== "string") {
    throw new TypeError(`Password must be a string or bytes, got ${pythonType(password)}.`);
  }
  if (LONE_SURROGATE.test(password)) {
    throw new TypeError("Password must be a string or bytes: it holds a lone surrogate");
  }
  const hashers = hashersOf(settings);
  const hasher = options.hasher === undefined
    ? hashers[0]
    : hashers.find((h) => h.algorithm === options.hasher);
  if (!hasher) throw new UnsupportedHasher(options.hasher!);
  const chosen = options.iterations === undefined
    ? hasher
    : withIterations(hasher, options.iterations);
  return chosen.encode(password, options.salt ?? chosen.salt());
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

function withIterations(hasher: PasswordHasher, iterations: number): PasswordHasher {
  if (hasher.algorithm !== "pbkdf2_sha256" && hasher.algorithm !== "pbkdf2_sha1") {
    throw new RangeError(`iterations apply to the PBKDF2 hashers, not ${hasher.algorithm}`);
  }
  return pbkdf2Hasher(hasher.algorithm, iterations);
}
