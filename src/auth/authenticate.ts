/**
 * Django's `ModelBackend.authenticate`: a username and a password in, the user row (or `null`) out.
 *
 * @module
 */
import { canAuthenticate } from "./get_user.ts";
import {
  makePassword,
  type MakePasswordOptions,
  MAX_PBKDF2_ITERATIONS,
  type Pbkdf2Algorithm,
  verifyPassword,
} from "./hashers.ts";
import { type AuthOptions, MODEL_BACKEND } from "./session_auth.ts";
import type { DjangoUser } from "./user_model.ts";
import type { UserSource } from "./user_sources.ts";

/** Options of {@linkcode authenticate}. */
export interface AuthenticateOptions extends AuthOptions {
  /**
   * PBKDF2 iterations spent when the username does not exist, so that the answer takes about as
   * long as for a wrong password and does not reveal which usernames exist (Django ticket #20760),
   * until a stored hash has been seen: from then on the hasher and iterations of the last PBKDF2
   * hash checked through the same `users` source are used, as they are what a wrong password
   * costs. Match Django's `PBKDF2PasswordHasher.iterations`: 260000 (3.2), 600000 (4.2),
   * 1000000 (5.2).
   *
   * @default 1000000
   */
  unknownUserIterations?: number;
}

/** The PBKDF2 hasher and iterations of the last stored hash checked, per user source. */
const seenHashes = new WeakMap<UserSource, Required<MakePasswordOptions>>();

/**
 * What `authenticate` spends on an unknown username for `options`: the last stored hash's hasher
 * and iterations, or `pbkdf2_sha256` with `unknownUserIterations` before any was seen.
 *
 * @param options the user source and `unknownUserIterations`
 * @returns the dummy hash's hasher and iterations
 */
export function unknownUserHasher(options: AuthenticateOptions): Required<MakePasswordOptions> {
  return seenHashes.get(options.users) ??
    { algorithm: "pbkdf2_sha256", iterations: options.unknownUserIterations ?? 1_000_000 };
}

function remember(users: UserSource, encoded: string | null): void {
  const [algorithm, iterations] = encoded?.split("$") ?? [];
  const count = Number(iterations);
  if ((algorithm === "pbkdf2_sha256" || algorithm === "pbkdf2_sha1") && count >= 1) {
    if (count > MAX_PBKDF2_ITERATIONS) return;
    seenHashes.set(users, { algorithm: algorithm as Pbkdf2Algorithm, iterations: count });
  }
}

/**
 * Checks a username and password as Django's `ModelBackend` does: the user whose `usernameField`
 * equals `username` exactly, whose password verifies and who is active. Pass the result to `login`.
 *
 * @param options the user source and Django's auth settings
 * @param username the username as typed (`null`: no user, as Django's `ModelBackend`)
 * @param password the password as typed (`null`: no user)
 * @returns the user row, or `null` for an unknown user (one with a NUL character included: no
 *   database Django writes to holds one), a wrong password or an inactive user
 * @throws {TypeError} when `username` or `password` is neither a string nor `null`
 * @throws {UnsupportedHasher} when the user's password was hashed with argon2, bcrypt, scrypt, …
 * @throws {StoreUnavailable} when the user table cannot be read
 *
 * @example
 * ```ts ignore
 * const user = await authenticate(auth, form.get("username"), form.get("password"));
 * if (user) await login(session, user, auth);
 * ```
 */
export async function authenticate(
  options: AuthenticateOptions,
  username: string | null,
  password: string | null,
): Promise<DjangoUser | null> {
  for (const value of [username, password]) {
    if (value !== null && typeof value !== "string") {
      throw new TypeError(`authenticate takes strings, not ${typeof value}`);
    }
  }
  if (username === null || password === null) return null;
  // PostgreSQL refuses NUL in text (an error that is not an outage) and Django's forms refuse it.
  const user = username.includes("\0") ? null : await options.users.find("username", username);
  if (user === null) {
    await makePassword(password.replace(/\p{Cs}/gu, "\ufffd"), unknownUserHasher(options));
    return null;
  }
  const encoded = typeof user.password === "string" ? user.password : null;
  remember(options.users, encoded);
  return await verifyPassword(password, encoded) && canAuthenticate(user, MODEL_BACKEND)
    ? user
    : null;
}
