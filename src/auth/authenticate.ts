/**
 * Django's `ModelBackend.authenticate`: a username and a password in, the user row (or `null`) out.
 *
 * @module
 */
import { canAuthenticate } from "./get_user.ts";
import { checkPassword, makePassword } from "./hashers.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { MODEL_BACKEND } from "./session_auth.ts";
import type { DjangoUser } from "./user_model.ts";
import type { UserSource } from "./user_sources.ts";

/**
 * Checks a username and password as Django's `ModelBackend` does: the user whose `usernameField`
 * equals `username` exactly, whose password verifies and who is active. Pass the result to `login`.
 *
 * @param session the request's session: its settings are Django's (as Django's `authenticate`
 *   takes the request)
 * @param users where the users are (`postgresUsers`, `sqliteUsers`)
 * @param username the username as typed
 * @param password the password as typed
 * @returns the user row, or `null` for an unknown user, a wrong password or an inactive user
 * @throws {UnsupportedHasher} when a Django hasher the settings' `hashers` do not implement made
 *   the user's hash (argon2, bcrypt, … come from `@django-interop/session/hashers`)
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
 * const sessions = new PostgresBackend(db, { SECRET_KEY: "django-insecure-key" });
 * const password = await makePassword("s3cret", sessions.settings, { iterations: 1000 });
 * await db.query("INSERT INTO auth_user (username, password) VALUES ('alice', $1)", [password]);
 * const users = postgresUsers(db, { columns: { id: "int", username: "text", password: "text" } });
 *
 * const session = sessions.getSession(null);
 * console.log(await authenticate(session, users, "alice", "wrong")); // null
 * const user = await authenticate(session, users, "alice", "s3cret");
 * if (user) await login(session, user, users);
 * ```
 */
export async function authenticate<T extends SessionData>(
  session: Session<T>,
  users: UserSource,
  username: string,
  password: string,
): Promise<DjangoUser | null> {
  const user = await users.find("username", username);
  if (user === null) {
    // Django ticket #20760: hash anyway, with the preferred hasher, so the answer takes as long.
    await makePassword(password, session.settings);
    return null;
  }
  const encoded = typeof user.password === "string" ? user.password : null;
  const { ok } = await checkPassword(password, encoded, session.settings);
  return ok && canAuthenticate(user, MODEL_BACKEND) ? user : null;
}
