/**
 * Django's `django.contrib.auth.login` and `logout` on a shared session: a user logged in here is
 * logged in to Django, and the other way round.
 *
 * @module
 */
import { ImproperlyConfigured } from "../errors.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { timingSafeEqual } from "../primitives/crypto.ts";
import {
  BACKEND_SESSION_KEY,
  currentAuthHash,
  HASH_SESSION_KEY,
  SESSION_KEY,
} from "./session_auth.ts";
import { canonicalPk, type DjangoUser } from "./user_model.ts";
import type { UserSource } from "./user_sources.ts";

/** Options of {@linkcode login}. */
export interface LoginOptions {
  /**
   * The dotted path stored as `_auth_user_backend`; it must be one of `AUTHENTICATION_BACKENDS` for
   * Django to accept the session.
   *
   * @default the only entry of `AUTHENTICATION_BACKENDS` (Django's `ModelBackend`)
   */
  backend?: string;
}

function backendOf(options: LoginOptions, backends: readonly string[]): string {
  if (options.backend !== undefined) return options.backend;
  // Django's `_get_backend_from_user` refuses to guess between several backends.
  if (backends.length !== 1) {
    throw new ImproperlyConfigured(
      "AUTHENTICATION_BACKENDS lists several backends: pass `backend` to login()",
    );
  }
  return backends[0];
}

/**
 * Logs `user` in to `session` as Django's `login` does. If the session already belongs to another
 * user (or to this user under another password) it is flushed; if it belongs to no one, its key is
 * cycled against session fixation; then `_auth_user_id` (the primary key as a string),
 * `_auth_user_backend` and `_auth_user_hash` are set. Save the session afterwards (the HTTP
 * wrapper does). Django's login also rotates the CSRF token (`rotate_token`); a TypeScript app with
 * its own CSRF protection should do the same.
 *
 * @param session the request's session; loaded here if it is not yet
 * @param user a user row from `getUser` or `authenticate`
 * @param users where the users are (for the primary key's column and kind)
 * @param options the backend to record
 * @throws {ImproperlyConfigured} when the user row has no primary key, or several `backends` are
 *   configured and no `backend` is given
 * @throws {StoreUnavailable} when the session store fails
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
 * const user = await authenticate(session, users, "alice", "s3cret");
 * if (user) await login(session, user, users);
 * console.log(session.get("_auth_user_id"), session.modified); // 1 true
 * ```
 */
export async function login<T extends SessionData>(
  session: Session<T>,
  user: DjangoUser,
  users: UserSource,
  options: LoginOptions = {},
): Promise<void> {
  const data = await (session as unknown as Session).load();
  const { settings } = data;
  const { pk: pkColumn, pkKind } = users.model;
  const pk = canonicalPk(pkKind, user[pkColumn]);
  if (pk === null) throw new ImproperlyConfigured(`the user row has no "${pkColumn}" to log in`);
  const backend = backendOf(options, settings.AUTHENTICATION_BACKENDS);
  const hash = await currentAuthHash(String(user.password ?? ""), settings);
  if (data.has(SESSION_KEY)) {
    const stored = data.get(HASH_SESSION_KEY);
    if (
      canonicalPk(pkKind, data.get(SESSION_KEY)) !== pk ||
      !timingSafeEqual(typeof stored === "string" ? stored : "", hash)
    ) {
      // Another user's session must not be reused, not even its anonymous data.
      await data.flush();
    }
  } else {
    await data.cycleKey();
  }
  data.set(SESSION_KEY, pk);
  data.set(BACKEND_SESSION_KEY, backend);
  data.set(HASH_SESSION_KEY, hash);
}

/**
 * Logs the session out as Django's `logout` does: the session is flushed (its row deleted, its data
 * emptied, its key dropped), so Django sees an anonymous visitor from now on.
 *
 * @param session the request's session
 * @throws {StoreUnavailable} when the session store fails
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
 * await login(session, (await authenticate(session, users, "alice", "s3cret"))!, users);
 * await session.save();
 * await logout(session);
 * console.log(session.key, await getUser(session, users)); // null null
 * ```
 */
export async function logout<T extends SessionData>(session: Session<T>): Promise<void> {
  await session.flush();
}
