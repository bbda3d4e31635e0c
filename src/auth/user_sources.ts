/**
 * Where `getUser` and `authenticate` find users: one parameterised `SELECT` per lookup on the user
 * table, through the same PostgreSQL and SQLite clients the session stores take. Names come from a
 * checked {@linkcode UserModel} and are quoted; values are always bound, never interpolated.
 *
 * @module
 */
import { StoreUnavailable } from "../errors.ts";
import { type PostgresClient, rowsQuery } from "../stores/postgres_client.ts";
import {
  firstRow,
  type SqliteDatabase,
  sqliteDateTime,
  type SqliteStatement,
} from "../stores/sqlite_driver.ts";
import {
  canonicalPk,
  type DjangoUser,
  readCell,
  type ResolvedUserModel,
  resolveUserModel,
  type UserModel,
} from "./user_model.ts";

/**
 * Finds user rows. `value` is already canonical for the primary key (see `canonicalPk`).
 *
 * @example
 * ```ts ignore
 * const users: UserSource = postgresUsers(sql);
 * const admin = await users.find("username", "admin");
 * ```
 */
export interface UserSource {
  /** The user table this source reads. */
  readonly model: ResolvedUserModel;
  /**
   * The user whose primary key, or `usernameField`, equals `value` (exactly, as Django's `get()`),
   * or `null`; rejects with `StoreUnavailable` when the database fails.
   */
  find(field: "pk" | "username", value: string): Promise<DjangoUser | null>;
  /**
   * Django's `update_last_login` receiver: one `UPDATE` of `last_login` to `when` for the user whose
   * primary key (canonical) is `pk`; `login` calls it when the model has a `last_login` column.
   * Rejects with `StoreUnavailable` when the database fails. A source without it never updates.
   */
  touchLastLogin?(pk: string, when: Date): Promise<void>;
}

function quote(name: string): string {
  return `"${name}"`;
}

/**
 * A user row from its cells, in the model's column order.
 *
 * @param model the user model
 * @param cells one value per column
 * @returns the user
 */
export function toUser(model: ResolvedUserModel, cells: unknown[]): DjangoUser {
  const entries = Object.entries(model.columns);
  return Object.fromEntries(entries.map(([name, kind], i) => [name, readCell(kind, cells[i])]));
}

/**
 * Runs a user-table call, turning a driver failure into `StoreUnavailable`.
 *
 * @param operation what was being done, for the error
 * @param call the call
 * @returns its result
 */
export async function guarded<T>(operation: string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StoreUnavailable(operation, error);
  }
}

/**
 * How the primary key is bound where Django stores a UUID as 32 hex digits (SQLite, MySQL).
 *
 * @param model the user model
 * @param pk the canonical primary key
 * @returns the value to bind
 */
export function hexUuidPk(model: ResolvedUserModel, pk: string): string {
  return model.pkKind === "uuid" ? canonicalPk("uuid", pk)!.replaceAll("-", "") : pk;
}

/**
 * Users in PostgreSQL, read with postgres.js, Bun's `SQL` or PGlite. Every column is selected as
 * text (datetimes as ISO 8601 through `to_json`), so neither the client's parsers nor the server's
 * `DateStyle` change what is read.
 *
 * @param client the PostgreSQL client, on the database (and `search_path`) Django uses
 * @param model a custom user model
 * @default model `auth_user`
 * @returns the user source
 * @throws {ImproperlyConfigured} when the model's names are not plain SQL names
 *
 * @example
 * ```ts
 * import { PGlite } from "@electric-sql/pglite"; // or postgres("postgres://…"), or Bun.sql
 * import { postgresUsers } from "@django-interop/session/auth";
 * const db = new PGlite();
 * await db.exec("CREATE TABLE auth_user (id serial PRIMARY KEY, username text, password text)");
 * await db.exec("INSERT INTO auth_user (username, password) VALUES ('alice', '!')");
 * const users = postgresUsers(db, { columns: { id: "int", username: "text", password: "text" } });
 * console.log((await users.find("username", "alice"))?.id); // 1
 * ```
 */
export function postgresUsers(client: PostgresClient, model?: UserModel): UserSource {
  const resolved = resolveUserModel(model);
  const query = rowsQuery(client);
  const select = Object.entries(resolved.columns)
    .map(([name, kind]) =>
      kind === "datetime" ? `to_json(${quote(name)})#>>'{}'` : `${quote(name)}::text`
    )
    .join(", ");
  // A typed parameter keeps the primary-key index usable (int4 = int8 is in the btree family).
  const cast = { int: "::bigint", uuid: "::uuid" }[resolved.pkKind as string] ?? "";
  const from = `SELECT ${select} FROM ${quote(resolved.table)} WHERE `;
  const statements = {
    pk: `${from}${quote(resolved.pk)} = $1${cast}`,
    username: `${from}${quote(resolved.usernameField)} = $1`,
  };
  const touch = `UPDATE ${quote(resolved.table)} SET "last_login" = $1::timestamptz WHERE ${
    quote(resolved.pk)
  } = $2${cast}`;
  return {
    model: resolved,
    find: (field, value) =>
      guarded("user lookup", async () => {
        const [row] = await query(statements[field], [value]);
        return row ? toUser(resolved, row) : null;
      }),
    touchLastLogin: (pk, when) =>
      guarded("last_login update", async () => {
        await query(touch, [when.toISOString(), pk]);
      }),
  };
}

/**
 * Users in SQLite, read with `bun:sqlite`, `node:sqlite` or `better-sqlite3`. Django keeps UUID
 * keys there as 32 hex digits (`char(32)`), so that is what a UUID key is matched as.
 *
 * @param db the SQLite database Django uses
 * @param model a custom user model
 * @default model `auth_user`
 * @returns the user source
 * @throws {ImproperlyConfigured} when the model's names are not plain SQL names
 *
 * @example
 * ```ts ignore
 * import { Database } from "bun:sqlite"; // or node:sqlite's DatabaseSync, or better-sqlite3
 * import { sqliteUsers } from "@django-interop/session/auth";
 * const users = sqliteUsers(new Database("db.sqlite3"));
 * ```
 */
export function sqliteUsers(db: SqliteDatabase, model?: UserModel): UserSource {
  const resolved = resolveUserModel(model);
  const names = Object.keys(resolved.columns);
  const from = `SELECT ${names.map(quote).join(", ")} FROM ${quote(resolved.table)} WHERE `;
  // Prepared on first use (the table may not exist yet when the source is made), then reused.
  const statements = new Map<"pk" | "username", SqliteStatement>();
  const statement = (field: "pk" | "username") => {
    let found = statements.get(field);
    if (!found) {
      const name = field === "pk" ? resolved.pk : resolved.usernameField;
      statements.set(field, found = db.prepare(`${from}${quote(name)} = ?`));
    }
    return found;
  };
  let touch: SqliteStatement | undefined;
  return {
    model: resolved,
    find: (field, value) =>
      guarded("user lookup", () => {
        const bound = field === "pk" ? hexUuidPk(resolved, value) : value;
        const row = firstRow(statement(field).get(bound));
        return row ? toUser(resolved, names.map((name) => row[name])) : null;
      }),
    touchLastLogin: (pk, when) =>
      guarded("last_login update", () => {
        touch ??= db.prepare(
          `UPDATE ${quote(resolved.table)} SET "last_login" = ? WHERE ${quote(resolved.pk)} = ?`,
        );
        // Django's SQLite backend stores aware datetimes as naive UTC text.
        touch.run(sqliteDateTime(when), hexUuidPk(resolved, pk));
      }),
  };
}
