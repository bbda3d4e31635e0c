/**
 * Users in MySQL or MariaDB, read with `mysql2/promise`, as Django's MySQL backend keeps them:
 * booleans as `tinyint`, datetimes as naive UTC `datetime(6)`, UUID keys as `char(32)`.
 *
 * @module
 */
import { type MysqlClient, mysqlDatetime } from "../stores/mysql_dialect.ts";
import { type DjangoUser, resolveUserModel, type UserModel } from "./user_model.ts";
import { guarded, hexUuidPk, toUser, type UserSource } from "./user_sources.ts";

function quote(name: string): string {
  return `\`${name}\``;
}

/**
 * Users in MySQL/MariaDB. Every cell is selected as text (datetimes through `DATE_FORMAT`), so
 * neither `mysql2`'s `timezone` and `dateStrings` options nor `rowsAsArray` change what is read.
 * Lookups run through the table's own collation, as Django's `get(username=…)` does there
 * (`utf8mb4_general_ci`: case-insensitive).
 *
 * @param client the `mysql2/promise` pool or connection, on the database Django uses
 * @param model a custom user model
 * @default model `auth_user`
 * @returns the user source
 * @throws {ImproperlyConfigured} when the model's names are not plain SQL names
 *
 * @example
 * ```ts ignore
 * import mysql from "mysql2/promise";
 * import { mysqlUsers } from "@django-interop/session/auth";
 * const users = mysqlUsers(mysql.createPool("mysql://app@127.0.0.1/mysite"));
 * ```
 */
export function mysqlUsers(client: MysqlClient, model?: UserModel): UserSource {
  const resolved = resolveUserModel(model);
  const kinds = Object.values(resolved.columns);
  const select = Object.entries(resolved.columns)
    .map(([name, kind], i) =>
      (kind === "datetime"
        ? `DATE_FORMAT(${quote(name)}, '%Y-%m-%d %H:%i:%s.%f')`
        : `CAST(${quote(name)} AS CHAR)`) + ` AS c${i}`
    )
    .join(", ");
  const from = `SELECT ${select} FROM ${quote(resolved.table)} WHERE `;
  const statements = {
    pk: `${from}${quote(resolved.pk)} = ?`,
    username: `${from}${quote(resolved.usernameField)} = ?`,
  };
  const touch = `UPDATE ${quote(resolved.table)} SET \`last_login\` = ? WHERE ${
    quote(resolved.pk)
  } = ?`;
  return {
    model: resolved,
    find: (field, value) =>
      guarded("user lookup", async (): Promise<DjangoUser | null> => {
        const bound = field === "pk" ? hexUuidPk(resolved, value) : value;
        const [rows] = await client.execute(statements[field], [bound]);
        const [row] = rows as (unknown[] | Record<string, unknown>)[];
        if (row === undefined) return null;
        return toUser(resolved, kinds.map((_, i) => Array.isArray(row) ? row[i] : row[`c${i}`]));
      }),
    touchLastLogin: (pk, when) =>
      guarded("last_login update", async () => {
        await client.execute(touch, [mysqlDatetime(when), hexUuidPk(resolved, pk)]);
      }),
  };
}
