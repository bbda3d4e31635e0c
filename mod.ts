/**
 * Share Django sessions with Deno, Bun and Node services: read what Django wrote, write what Django
 * reads back, and know which Django user is logged in.
 *
 * @module
 */

export * from "./src/errors.ts";
export { b64Decode, b64Encode, base62Decode, base62Encode } from "./src/primitives/base64.ts";
export { pythonJsonDumps } from "./src/signing/json.ts";
export { type Algorithm, hexEncode, saltedHmac } from "./src/signing/salted_hmac.ts";
export {
  Signer,
  type SignerOptions,
  type SignObjectOptions,
  type UnsignObjectOptions,
} from "./src/signing/signer.ts";
export {
  TimestampSigner,
  type TimestampSignerOptions,
  type UnsignTimestampOptions,
} from "./src/signing/timestamp_signer.ts";
export { dumps, type DumpsOptions, loads, type LoadsOptions } from "./src/signing/dumps.ts";
export { decodeSession, encodeSession, type SessionCodecOptions } from "./src/session/codec.ts";
export type { SessionData, SessionStore } from "./src/session/store.ts";
export { isValidSessionKey, newSessionKey } from "./src/session/keys.ts";
export type { SessionSettings } from "./src/session/expiry.ts";
export { type SaveOptions, Session } from "./src/session/session.ts";
export { SessionBackend } from "./src/session/backend.ts";
export { type SqlDialect, SqlStore, type SqlStoreOptions } from "./src/stores/sql.ts";
export type {
  PostgresClient,
  QuerySqlClient,
  UnsafeSqlClient,
} from "./src/stores/postgres_client.ts";
export {
  createSessionTable,
  PostgresBackend,
  type PostgresBackendOptions,
} from "./src/stores/postgres.ts";
export { SqliteBackend, type SqliteBackendOptions } from "./src/stores/sqlite.ts";
export type { SqliteTableOptions } from "./src/stores/sqlite_dialect.ts";
export {
  type SqliteDatabase,
  sqliteDateTime,
  type SqliteStatement,
  type SqliteValue,
} from "./src/stores/sqlite_driver.ts";
export {
  configureSqlite,
  createSqliteSessionTable,
  type SqliteConnectionOptions,
} from "./src/stores/sqlite_schema.ts";
export { createMysqlSessionTable } from "./src/stores/mysql_schema.ts";
export type { MysqlClient, MysqlTableOptions } from "./src/stores/mysql_dialect.ts";
export { MysqlBackend, type MysqlBackendOptions } from "./src/stores/mysql.ts";
export {
  SignedCookieBackend,
  type SignedCookieBackendOptions,
  SignedCookieStore,
  type SignedCookieStoreOptions,
} from "./src/stores/signed_cookies.ts";
export {
  cachedDbCacheKey,
  type CacheDeleter,
  type CacheInvalidationOptions,
  withCacheInvalidation,
} from "./src/stores/cache_invalidation.ts";
export {
  type CookieAttributes,
  httpDate,
  isLegalCookieName,
  parseCookie,
  serializeCookie,
} from "./src/http/cookie.ts";
export {
  type CookieSettings,
  cookieSettings,
  type SameSite,
  type SessionCookieOptions,
} from "./src/http/options.ts";
export {
  type CommitDecision,
  type CommitInput,
  decideCommit,
  deletionCookie,
  sessionCookie,
  varyOnCookie,
} from "./src/http/commit.ts";
export {
  commitHeaders,
  commitSession,
  type SessionHeaders,
  sessionKeyOf,
} from "./src/http/respond.ts";
export {
  errorResponse,
  type ErrorResponseOptions,
  type ErrorStatus,
  errorStatus,
} from "./src/http/error_response.ts";
export {
  type SessionContext,
  type SessionHandler,
  sessionOfHeaders,
  type UserLoader,
  withSession,
  type WithSessionOptions,
} from "./src/http/with_session.ts";
export {
  makePassword,
  type MakePasswordOptions,
  type Pbkdf2Algorithm,
  verifyPassword,
} from "./src/auth/hashers.ts";
export {
  AUTH_USER_COLUMNS,
  type ColumnKind,
  type DjangoUser,
  type ResolvedUserModel,
  type UserModel,
} from "./src/auth/user_model.ts";
export { postgresUsers, sqliteUsers, type UserSource } from "./src/auth/user_sources.ts";
export {
  type AuthOptions,
  BACKEND_SESSION_KEY,
  HASH_SESSION_KEY,
  MODEL_BACKEND,
  SESSION_KEY,
  sessionAuthHash,
} from "./src/auth/session_auth.ts";
export { getUser } from "./src/auth/get_user.ts";
export { login, type LoginOptions, logout } from "./src/auth/login.ts";
export { authenticate, type AuthenticateOptions } from "./src/auth/authenticate.ts";
