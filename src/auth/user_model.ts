/**
 * Which table holds Django's users and how its columns read: `auth_user` by default, or a custom
 * user model (`AUTH_USER_MODEL`) with its own table, primary key (integer, UUID or text) and columns.
 * Session values are checked against the primary key's kind here, before any query is built.
 *
 * @module
 */
import { ImproperlyConfigured } from "../errors.ts";
import { parseIsoDatetime } from "../session/expiry.ts";

/**
 * How a column's value reads: `int` → number, `bool` → boolean, `datetime` → Date, `uuid` → the
 * dashed lowercase text Python's `str(uuid)` gives, `text` → string. NULL is `null` for every kind.
 */
export type ColumnKind = "int" | "bool" | "datetime" | "uuid" | "text";

/** A user row: column name → value (see {@linkcode ColumnKind}). */
export type DjangoUser = Record<string, string | number | boolean | Date | null>;

/** A custom user model's table; every field defaults to Django's `auth_user`. */
export interface UserModel {
  /**
   * The table (`Model._meta.db_table`).
   *
   * @default "auth_user"
   */
  table?: string;
  /**
   * The primary-key column; its kind comes from `columns`.
   *
   * @default "id"
   */
  pk?: string;
  /**
   * The `USERNAME_FIELD` column, which `authenticate` matches exactly.
   *
   * @default "username"
   */
  usernameField?: string;
  /**
   * The columns to select, with how each reads. It must hold the primary key and `password`;
   * `is_active`, when present, rejects inactive users as Django's `ModelBackend` does.
   *
   * @default AUTH_USER_COLUMNS
   */
  columns?: Record<string, ColumnKind>;
}

/** A {@linkcode UserModel} with every default filled in and checked. */
export type ResolvedUserModel = Required<UserModel> & { pkKind: ColumnKind };

/**
 * The columns of Django's `auth_user` (`django.contrib.auth.models.User`).
 *
 * @example
 * ```ts
 * import { AUTH_USER_COLUMNS } from "@django-interop/session/auth";
 * console.log(AUTH_USER_COLUMNS.is_staff); // "bool"
 * ```
 */
export const AUTH_USER_COLUMNS: Readonly<Record<string, ColumnKind>> = Object.freeze({
  id: "int",
  password: "text",
  last_login: "datetime",
  is_superuser: "bool",
  username: "text",
  first_name: "text",
  last_name: "text",
  email: "text",
  is_staff: "bool",
  is_active: "bool",
  date_joined: "datetime",
});

/** Identifiers are interpolated into SQL (quoted), so only plain names are accepted. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new ImproperlyConfigured(`${what} ${JSON.stringify(name)} is not a plain SQL name`);
  }
  return name;
}

/**
 * Fills in the defaults of a user model and checks its names.
 *
 * @param model the custom user model, or nothing for `auth_user`
 * @returns the complete model
 * @throws {ImproperlyConfigured} on a name that is not a plain SQL identifier, or columns that
 *   lack the primary key, `password` or the username field
 */
export function resolveUserModel(model: UserModel = {}): ResolvedUserModel {
  const columns = { ...(model.columns ?? AUTH_USER_COLUMNS) };
  const table = identifier(model.table ?? "auth_user", "table");
  const pk = identifier(model.pk ?? "id", "pk");
  const usernameField = identifier(model.usernameField ?? "username", "usernameField");
  Object.keys(columns).forEach((name) => identifier(name, "column"));
  for (const needed of [pk, "password", usernameField]) {
    if (!(needed in columns)) throw new ImproperlyConfigured(`columns must include "${needed}"`);
  }
  return { table, pk, usernameField, columns, pkKind: columns[pk] };
}

const INT64_MAX = 2n ** 63n - 1n;

/** Python's `uuid.UUID(text)` forms: braces, `urn:uuid:` and dashes are all optional. */
const UUID_TEXT =
  /^(?:urn:uuid:|\{)?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

/**
 * The canonical text of a primary key read from the session (Django's `pk.to_python()`), or `null`
 * when it cannot be one: such a value never reaches a query.
 *
 * @param kind the primary key's kind
 * @param value what `_auth_user_id` holds
 * @returns decimal digits for `int`, dashed lowercase for `uuid`, the string for `text`
 */
export function canonicalPk(kind: ColumnKind, value: unknown): string | null {
  if (kind === "int") {
    if (typeof value === "number") return Number.isSafeInteger(value) ? String(value) : null;
    if (typeof value !== "string" || !/^-?\d{1,19}$/.test(value)) return null;
    const n = BigInt(value);
    return n <= INT64_MAX && n >= -INT64_MAX - 1n ? n.toString() : null;
  }
  if (kind === "uuid") {
    const m = typeof value === "string" ? UUID_TEXT.exec(value) : null;
    return m ? m.slice(1).join("-").toLowerCase() : null;
  }
  return typeof value === "string" && kind === "text" ? value : null;
}

/**
 * Reads one cell the way Django's field would (`from_db_value`), whichever driver returned it:
 * PostgreSQL text, or SQLite's numbers, 0/1 booleans and naive UTC datetime text.
 *
 * @param kind the column's kind
 * @param value the driver's value
 * @returns the value for {@linkcode DjangoUser}
 */
export function readCell(kind: ColumnKind, value: unknown): DjangoUser[string] {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "int": {
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : String(value);
    }
    case "bool":
      return value === true || value === 1 || value === 1n || value === "true" || value === "1";
    case "datetime":
      return value instanceof Date ? value : parseIsoDatetime(String(value));
    case "uuid":
      return canonicalPk("uuid", String(value)) ?? String(value);
    default:
      return String(value);
  }
}
