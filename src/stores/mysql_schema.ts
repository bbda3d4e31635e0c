/**
 * Creates Django's session table on MySQL/MariaDB for a service that runs before (or without)
 * Django's `migrate`. The statement gives the table `manage.py sqlmigrate sessions 0001` gives on
 * MySQL (Django 3.2 to 5.2 print the same):
 *
 * ```sql
 * CREATE TABLE `django_session` (`session_key` varchar(40) NOT NULL PRIMARY KEY,
 *   `session_data` longtext NOT NULL, `expire_date` datetime(6) NOT NULL);
 * CREATE INDEX `django_session_expire_date_a5c62663` ON `django_session` (`expire_date`);
 * ```
 *
 * @module
 */

import { StoreUnavailable } from "../errors.ts";
import { type MysqlClient, mysqlTable, type MysqlTableOptions } from "./mysql_dialect.ts";
import { expireDateIndexName } from "./sql.ts";

/**
 * Creates the session table and its `expire_date` index if the table does not exist yet. The index
 * is declared inside `CREATE TABLE` so the statement stays idempotent on MySQL, which has no
 * `CREATE INDEX IF NOT EXISTS`. Django's `migrate` does not know about a table made here: run
 * `manage.py migrate --fake-initial` (or `migrate sessions --fake`) afterwards.
 *
 * @param client the caller's `mysql2/promise` pool or connection (not closed)
 * @param options the table name
 * @returns once the table exists
 * @throws {ImproperlyConfigured} when `table` is not a plain identifier
 * @throws {StoreUnavailable} when the server refuses the statement (operation `createTable`)
 *
 * @example
 * ```ts ignore
 * import { createMysqlSessionTable } from "@django-interop/session/mysql";
 * import mysql from "mysql2/promise";
 * await createMysqlSessionTable(mysql.createPool("mysql://root@127.0.0.1/test"));
 * ```
 */
export async function createMysqlSessionTable(
  client: MysqlClient,
  { table = "django_session" }: MysqlTableOptions = {},
): Promise<void> {
  const statement = `CREATE TABLE IF NOT EXISTS ${mysqlTable(table)} (` +
    "`session_key` varchar(40) NOT NULL PRIMARY KEY, `session_data` longtext NOT NULL, " +
    "`expire_date` datetime(6) NOT NULL, " +
    `INDEX \`${expireDateIndexName(table)}\` (\`expire_date\`))`;
  try {
    await client.execute(statement, []);
  } catch (error) {
    throw new StoreUnavailable("createTable", error);
  }
}
