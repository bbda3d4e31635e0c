/**
 * Django's database session backend on MySQL and MariaDB, through the caller's `mysql2` promise pool
 * or connection. Rows are the ones `django.contrib.sessions.backends.db` (with Django's MySQL backend
 * and `USE_TZ = True`) reads and writes, so Django and this backend serve the same users from the
 * same table.
 *
 * @module
 */

import { resolveSettings, type Settings } from "../settings/settings.ts";
import { SessionBackend } from "../session/backend.ts";
import type { SessionData } from "../session/store.ts";
import { type MysqlClient, MysqlDialect, type MysqlTableOptions } from "./mysql_dialect.ts";
import { SqlStore, type SqlStoreOptions } from "./sql.ts";

export type { MysqlClient, MysqlTableOptions } from "./mysql_dialect.ts";
export { createMysqlSessionTable } from "./mysql_schema.ts";

/** Options of {@linkcode MysqlBackend}: secret key and codec, session settings, and the table. */
export interface MysqlBackendOptions extends SqlStoreOptions, MysqlTableOptions {}

/**
 * Sessions in MySQL's or MariaDB's `django_session`, shared with Django's `db` backend (or
 * `cached_db`, wrapped in `withCacheInvalidation`). Takes the caller's `mysql2/promise` pool or
 * connection and never closes it.
 *
 * @typeParam T the shape of the session data
 *
 * @example
 * ```ts ignore
 * import mysql from "mysql2/promise";
 * import { MysqlBackend } from "@django-interop/session/mysql";
 * const pool = mysql.createPool("mysql://app@127.0.0.1/mysite");
 * const sessions = new MysqlBackend(pool, { secretKey: "django-insecure-…" });
 * const session = await sessions.getSession(cookieValue).load();
 * ```
 */
export class MysqlBackend<T extends SessionData = SessionData> extends SessionBackend<T> {
  /**
   * Creates the backend.
   *
   * @param client a `mysql2/promise` `Pool`, `PoolConnection` or `Connection`
   * @param settings Django's settings (`djangoSettings(…)`, or its input)
   * @param options `table`, codec and key options
   * @throws {ImproperlyConfigured} when `table` is not a plain identifier, or for a setting Django
   *   would refuse
   */
  constructor(client: MysqlClient, settings: Settings, options: MysqlBackendOptions = {}) {
    const { table, ...store } = options;
    const checked = resolveSettings(settings);
    super(new SqlStore(new MysqlDialect(client, { table }), checked, store), checked);
  }
}
