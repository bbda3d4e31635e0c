/**
 * Django's `ModelBackend.authenticate`: a username and a password in, the user row (or `null`) out.
 *
 * @module
 */
import { canAuthenticate } from "./get_user.ts";
import { makePassword, verifyPassword } from "./hashers.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { MODEL_BACKEND } from "./session_auth.ts";
import type { DjangoUser } from "./user_model.ts";
import type { UserSource } from "./user_sources.ts";

/** Options of {@linkcode authenticate}. */
export interface AuthenticateOptions {
  /**
   * PBKDF2 iterations spent when the username does not exist, so that the answer takes about as
   * long as for a wrong password and does not reveal which usernames exist (Django ticket #20760).
   * Match Django's `PBKDF2PasswordHasher.iterations`: 260000 (3.2), 600000 (4.2), 1000000 (5.2).
   *
   * @default 1000000
   */
  unknownUserIterations?: number;
}

/**
 * Checks a username and password as Django's `ModelBackend` does: the user whose `usernameField`
 * equals `username` exactly, whose password verifies and who is active. Pass the result to `login`.
 *
 * @param session the request's session: its settings are Django's (as Django's `authenticate`
 *   takes the request)
 * @param users where the users are (`postgresUsers`, `sqliteUsers`)
 * @param username the username as typed
 * @param password the password as typed
 * @param options the work spent on unknown usernames
 * @returns the user row, or `null` for an unknown user, a wrong password or an inactive user
 * @throws {UnsupportedHasher} when the user's password was hashed with argon2, bcrypt, scrypt, …
 * @throws {StoreUnavailable} when the user table cannot be read
 *
 * @example
 * ```ts
 * import { PGlite } from "@electric-sql/pglite"; // Django's database: postgres.js or Bun.sql in production
 * import { createSessionTable, PostgresBackend } from "@django-interop/session/postgres";
 * import { authenticate, getUser, login, logout, makePassword, postgresUsers } from "@django-interop/session/auth";
 *
 * const db = new PGlite();
 * await createSessionTable(db);
 * await db.exec("CREATE TABLE auth_user (id serial PRIMARY KEY, username text, password text)");
 * const password = await makePassword("s3cret", { iterations: 1000 });
 * await db.query("INSERT INTO auth_user (username, password) VALUES ('alice', $1)", [password]);
 * const users = postgresUsers(db, { columns: { id: "int", username: "text", password: "text" } });
 * const sessions = new PostgresBackend(db, { SECRET_KEY: "django-insecure-key" });
 *
 * const session = sessions.getSession(null);
 * console.log(await authenticate(session, users, "alice", "wrong")); // null
 * const user = await authenticate(session, users, "alice", "s3cret");
 * if (user) await login(session, user, users);
 * ```
 */
export async function authenticate<T extends SessionData>(
  _session: Session<T>,
  users: UserSource,
  username: string,
  password: string,
  options: AuthenticateOptions = {},
): Promise<DjangoUser | null> {
  const user = await users.find("username", username);
  if (user === null) {
    await makePassword(password, { iterations: options.unknownUserIterations });
    return null;
  }
  const encoded = typeof user.password === "string" ? user.password : null;
  return await verifyPassword(password, encoded) && canAuthenticate(user, MODEL_BACKEND)
    ? user
    : null;
}
