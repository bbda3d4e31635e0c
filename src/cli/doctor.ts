/**
 * `doctor --database-url URL [--cookie VALUE]`: checks Django's `django_session` table (columns,
 * types, index, aware or naive `expire_date`), counts rows and expired rows, decodes a sample with
 * the given keys, looks at `auth_user` and the hashers its passwords use, and follows one session to
 * its user. A finding per line, each saying what to change.
 *
 * @module
 */
import { sessionAuthHash } from "../auth/session_auth.ts";
import { isValidSessionKey } from "../session/keys.ts";
import { sqliteDateTime } from "../stores/sqlite_driver.ts";
import type { Database } from "./database.ts";
import { inspectValue, type Keys } from "./inspect.ts";
import type { Finding } from "./output.ts";

interface Column {
  name: string;
  type: string;
}

/** Each database's way of listing the table's columns (lowercase type text), index and counts. */
const CATALOG = {
  postgres: {
    columns:
      `SELECT column_name AS name, data_type || coalesce('(' || character_maximum_length || ')', '') AS type
      FROM information_schema.columns WHERE table_name = $1 AND table_schema = ANY (current_schemas(false))`,
    indexes: `SELECT indexdef AS def FROM pg_indexes WHERE tablename = $1`,
    now: () => "now()",
    expected: {
      session_key: "character varying(40)",
      session_data: "text",
      expire_date: "timestamp with time zone",
    },
  },
  mysql: {
    columns: `SELECT column_name AS name, column_type AS type FROM information_schema.columns
      WHERE table_name = $1 AND table_schema = DATABASE()`,
    indexes: `SELECT column_name AS def FROM information_schema.statistics
      WHERE table_name = $1 AND table_schema = DATABASE()`,
    now: () => "UTC_TIMESTAMP(6)",
    expected: { session_key: "varchar(40)", session_data: "longtext", expire_date: "datetime(6)" },
  },
  sqlite: {
    columns: `SELECT name, lower(type) AS type FROM pragma_table_info($1)`,
    indexes: `SELECT ii.name AS def FROM pragma_index_list($1) il, pragma_index_info(il.name) ii`,
    now: () => `'${sqliteDateTime(new Date())}'`,
    expected: { session_key: "varchar(40)", session_data: "text", expire_date: "datetime" },
  },
} as const;

async function tableFindings(db: Database): Promise<Finding[]> {
  const catalog = CATALOG[db.kind];
  const columns = await db.rows(catalog.columns, ["django_session"]) as unknown as Column[];
  if (columns.length === 0) {
    return [{
      level: "error",
      text: "no django_session table here: wrong database or schema (check DATABASES and the " +
        "search_path), or Django has not run `manage.py migrate` yet",
    }];
  }
  const findings: Finding[] = [];
  for (const [name, type] of Object.entries(catalog.expected)) {
    const found = columns.find((c) => c.name.toLowerCase() === name);
    if (!found) findings.push({ level: "error", text: `django_session has no ${name} column` });
    else if (found.type.toLowerCase() !== type) findings.push(typeFinding(name, found.type, type));
  }
  if (findings.length === 0) {
    findings.push({ level: "ok", text: "django_session has Django's columns" });
  }
  const indexes = (await db.rows(catalog.indexes, ["django_session"])).map((r) => String(r.def));
  findings.push(
    indexes.some((d) => d.includes("expire_date"))
      ? { level: "ok", text: "expire_date is indexed" }
      : { level: "warn", text: "expire_date has no index: clearsessions will scan the table" },
  );
  return findings;
}

function typeFinding(name: string, found: string, expected: string): Finding {
  if (name === "expire_date" && /without time zone|^timestamp$/i.test(found)) {
    return {
      level: "error",
      text: "expire_date is a naive timestamp: Django wrote it with USE_TZ = False, and local " +
        "times shift expiry by the UTC offset. Set USE_TZ = True (Django's default since 5.0) and " +
        "migrate, as this module reads expire_date as UTC",
    };
  }
  return { level: "warn", text: `django_session.${name} is ${found}, Django makes ${expected}` };
}

async function countFindings(db: Database): Promise<Finding[]> {
  const now = CATALOG[db.kind].now();
  const [row] = await db.rows(
    `SELECT COUNT(*) AS total, SUM(CASE WHEN expire_date < ${now} THEN 1 ELSE 0 END) AS expired ` +
      "FROM django_session",
  );
  const total = Number(row.total);
  const expired = Number(row.expired ?? 0);
  return [{
    level: expired > total / 2 && expired > 1000 ? "warn" : "info",
    text: `${total} sessions, ${expired} expired` +
      (expired ? " (run `clearsessions` — Django's manage.py clearsessions — to delete them)" : ""),
  }];
}

async function sampleFindings(db: Database, keys: Keys): Promise<Finding[]> {
  const rows = await db.rows(
    "SELECT session_data FROM django_session ORDER BY expire_date DESC LIMIT 20",
  );
  if (rows.length === 0) return [];
  const tally = new Map<string, number>();
  for (const row of rows) {
    const result = await inspectValue(String(row.session_data), keys);
    const label = result.ok
      ? `verified by ${result.key}`
      : `failing: ${result.problem ?? result.format}`;
    tally.set(label, (tally.get(label) ?? 0) + 1);
  }
  return [...tally].map(([label, n]): Finding => ({
    level: label.startsWith("failing") ? "error" : label.endsWith("SECRET_KEY") ? "ok" : "warn",
    text: `${n} of the ${rows.length} newest sessions ${label}` +
      (label.includes("FALLBACKS") ? " (they move to SECRET_KEY at their next save)" : ""),
  }));
}

async function userFindings(db: Database): Promise<Finding[]> {
  let rows: Record<string, unknown>[];
  try {
    rows = await db.rows("SELECT password FROM auth_user");
  } catch {
    return [{ level: "info", text: "no auth_user table (a custom user model? see docs/auth.md)" }];
  }
  const algorithms = new Map<string, number>();
  for (const { password } of rows) {
    const text = String(password ?? "");
    const algorithm = text.startsWith("!") ? "unusable" : text.split("$", 1)[0];
    algorithms.set(algorithm, (algorithms.get(algorithm) ?? 0) + 1);
  }
  const list = [...algorithms].map(([a, n]) => `${a} ×${n}`).join(", ");
  const foreign = [...algorithms.keys()].filter((a) =>
    !/^(pbkdf2_sha256|pbkdf2_sha1|unusable)$/.test(a)
  );
  return [{
    level: foreign.length ? "warn" : "ok",
    text: `auth_user: ${rows.length} users; hashers in use: ${list || "none"}` +
      (foreign.length
        ? ` — ${foreign.join(", ")} need their hasher in the settings' hashers ` +
          "(@django-interop/session/hashers)"
        : ""),
  }];
}

async function cookieFindings(db: Database, keys: Keys, cookie: string): Promise<Finding[]> {
  if (!isValidSessionKey(cookie)) {
    return [{
      level: "error",
      text:
        `${JSON.stringify(String(cookie).slice(0, 60))} is not a session key (8–40 of [a-z0-9]): ` +
        "for signed data use `inspect`",
    }];
  }
  const [row] = await db.rows(
    `SELECT session_data, CASE WHEN expire_date < ${CATALOG[db.kind].now()} THEN 1 ELSE 0 END ` +
      "AS expired FROM django_session WHERE session_key = $1",
    [cookie],
  );
  if (!row) {
    return [{
      level: "error",
      text: `no row has the key ${cookie}: logged out, cleared, or another database`,
    }];
  }
  if (Number(row.expired)) return [{ level: "error", text: `session ${cookie} has expired` }];
  const inspected = await inspectValue(String(row.session_data), keys);
  if (!inspected.ok) return [{ level: "error", text: `session ${cookie}: ${inspected.problem}` }];
  const findings: Finding[] = [{
    level: "ok",
    text: `session ${cookie} verifies (${inspected.key}): ${JSON.stringify(inspected.data)}`,
  }];
  const id = inspected.auth?._auth_user_id;
  if (id === undefined) return [...findings, { level: "info", text: "nobody is logged in to it" }];
  return [...findings, ...await loggedInFindings(db, keys, inspected.auth!)];
}

async function loggedInFindings(
  db: Database,
  keys: Keys,
  auth: Record<string, unknown>,
): Promise<Finding[]> {
  const [user] = await db.rows(
    "SELECT username, password, is_active FROM auth_user WHERE id = $1",
    [
      String(auth._auth_user_id),
    ],
  ).catch(() => []);
  if (!user) return [{ level: "error", text: `user ${auth._auth_user_id} does not exist` }];
  const password = String(user.password);
  const hashes = await Promise.all(
    [keys.secretKey, ...keys.fallbacks].map((key) => sessionAuthHash(password, key)),
  );
  const at = hashes.indexOf(String(auth._auth_user_hash));
  const name = `user ${auth._auth_user_id} (${user.username})`;
  if (!Number(user.is_active) && user.is_active !== true) {
    return [{ level: "error", text: `${name} is inactive: Django's ModelBackend refuses it` }];
  }
  if (at < 0) {
    return [{
      level: "error",
      text: `${name}: _auth_user_hash matches no key — the password changed since the login, or ` +
        "SECRET_KEY rotated without keeping the old key in SECRET_KEY_FALLBACKS",
    }];
  }
  return [{
    level: "ok",
    text: `${name} is logged in (${at === 0 ? "SECRET_KEY" : `SECRET_KEY_FALLBACKS[${at - 1}]`}, ` +
      `backend ${auth._auth_user_backend})`,
  }];
}

/**
 * Runs every check.
 *
 * @param db the open database
 * @param keys the keys to decode with
 * @param cookie a session key to follow, if any
 * @returns the findings
 */
export async function doctor(db: Database, keys: Keys, cookie?: string): Promise<Finding[]> {
  const table = await tableFindings(db);
  if (table.some((f) => f.text.startsWith("no django_session"))) return table;
  return [
    ...table,
    ...await countFindings(db),
    ...await sampleFindings(db, keys),
    ...await userFindings(db),
    ...(cookie ? await cookieFindings(db, keys, cookie) : []),
  ];
}
