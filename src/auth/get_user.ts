/**
 * Django's `django.contrib.auth.get_user` over a shared session: who is logged in, verified the way
 * Django verifies it, in one query.
 *
 * @module
 */
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import {
  BACKEND_SESSION_KEY,
  checkSessionHash,
  currentAuthHash,
  HASH_SESSION_KEY,
  SESSION_KEY,
} from "./session_auth.ts";
import { canonicalPk, type DjangoUser } from "./user_model.ts";
import type { UserSource } from "./user_sources.ts";

/** The one built-in backend that lets inactive users in (`user_can_authenticate` is always true). */
const ALLOW_ALL_BACKEND = "django.contrib.auth.backends.AllowAllUsersModelBackend";

/**
 * Django's `ModelBackend.user_can_authenticate` (`is_active or is_active is None`): a user model
 * without `is_active` lets everyone in.
 *
 * @param user the user row
 * @param backend the backend's dotted path
 * @returns whether the user may be logged in
 */
export function canAuthenticate(user: DjangoUser, backend: string): boolean {
  const active = user.is_active;
  return backend === ALLOW_ALL_BACKEND || active === undefined || active === null ||
    Boolean(active);
}

/**
 * The Django user logged in to `session`, or `null` for an anonymous one, exactly as Django's
 * `get_user` decides:
 *
 * - no `_auth_user_id` / `_auth_user_backend`, a backend not in `AUTHENTICATION_BACKENDS`, a primary key that
 *   cannot be one (never queried), no such user, or an inactive user → `null`, session untouched;
 * - `_auth_user_hash` made under `SECRET_KEY` → the user;
 * - made under one of `SECRET_KEY_FALLBACKS` (Django 4.1.8+) → the user, after moving the session to
 *   a new key and storing the current hash (the caller saves the session, as Django's middleware);
 * - anything else (the password changed, the key rotated away, a forged hash) → the session is
 *   flushed and the answer is `null`.
 *
 * Django's settings come from the session. Every backend listed in `AUTHENTICATION_BACKENDS` is read as a `ModelBackend` (a lookup by primary key).
 *
 * @param session the request's session; loaded here if it is not yet
 * @param users where the users are (`postgresUsers`, `sqliteUsers`)
 * @returns the user row, or `null`
 * @throws {StoreUnavailable} when the session store or the user table cannot be read
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
 * const session = sessions.getSession(null); // the request's cookie value, or null
 * console.log(await getUser(session, users)); // null (anonymous)
 * await login(session, (await authenticate(session, users, "alice", "s3cret"))!, users);
 * await session.save();
 * const user = await getUser(sessions.getSession(session.key), users);
 * console.log(user ? `Hello ${user.username}` : "anonymous"); // Hello alice
 * ```
 */
export async function getUser<T extends SessionData>(
  session: Session<T>,
  users: UserSource,
): Promise<DjangoUser | null> {
  const data = await (session as unknown as Session).load();
  const { settings } = data;
  const id = data.get(SESSION_KEY);
  const backend = data.get(BACKEND_SESSION_KEY);
  if (typeof backend !== "string" || !settings.AUTHENTICATION_BACKENDS.includes(backend)) {
    return null;
  }
  const pk = canonicalPk(users.model.pkKind, id);
  if (pk === null) return null;
  const user = await users.find("pk", pk);
  if (user === null || !canAuthenticate(user, backend)) return null;
  const password = String(user.password ?? "");
  switch (await checkSessionHash(data.get(HASH_SESSION_KEY), password, settings)) {
    case "current":
      return user;
    case "fallback":
      await data.cycleKey();
      data.set(HASH_SESSION_KEY, await currentAuthHash(password, settings));
      return user;
    default:
      await data.flush();
      return null;
  }
}
