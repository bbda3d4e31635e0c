/**
 * Django's `contrib.auth` on a shared session: who is logged in (`getUser`), logging in and out as
 * Django does (`login`, `logout`), checking a password (`authenticate`), and Django's password
 * hashers. Django's settings come from the session, as Django's functions take the request.
 *
 * @example
 * ```ts
 * import { djangoSettings } from "@django-interop/session";
 * import { makePassword, verifyPassword } from "@django-interop/session/auth";
 * const settings = djangoSettings({ SECRET_KEY: "django-insecure-key" });
 * const encoded = await makePassword("s3cret", settings, { iterations: 1000 });
 * console.log(await verifyPassword("s3cret", encoded, settings)); // true
 * ```
 *
 * @module
 */
export {
  checkPassword,
  type HasherSettings,
  identifyHasher,
  isPasswordUsable,
  makePassword,
  type MakePasswordOptions,
  type PasswordCheck,
  verifyPassword,
} from "./hashers.ts";
export {
  MAX_PBKDF2_ITERATIONS,
  type Pbkdf2Algorithm,
  type Pbkdf2Hasher,
  pbkdf2Hasher,
  pbkdf2Iterations,
} from "./pbkdf2.ts";
export {
  AUTH_USER_COLUMNS,
  type ColumnKind,
  type DjangoUser,
  type ResolvedUserModel,
  type UserModel,
} from "./user_model.ts";
export { postgresUsers, sqliteUsers, type UserSource } from "./user_sources.ts";
export { mysqlUsers } from "./mysql_users.ts";
export {
  BACKEND_SESSION_KEY,
  HASH_SESSION_KEY,
  MODEL_BACKEND,
  SESSION_KEY,
  sessionAuthHash,
} from "./session_auth.ts";
export { type BackendLoader, getUser, type UserBackends } from "./get_user.ts";
export { login, type LoginOptions, logout } from "./login.ts";
export { authenticate } from "./authenticate.ts";
export { loginRedirectUrl, type LoginUrlOptions, redirectToLogin } from "./login_url.ts";
export {
  anonymousResponse,
  type GuardedHandler,
  loginRequired,
  type LoginRequiredOptions,
} from "./login_required.ts";
