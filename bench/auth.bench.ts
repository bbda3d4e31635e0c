/**
 * getUser on postgres.js against raw postgres.js selects of the same rows, in one run, as ratios
 * (so the machine's speed cancels out). Standalone on any runtime:
 *
 *   node --import tsx bench/auth.bench.ts
 *   node_modules/.bin/bun bench/auth.bench.ts
 *   node_modules/.bin/deno run -A bench/auth.bench.ts
 *
 * Modes, each driven by 32 concurrent loops over 1000 logged-in sessions for BENCH_SECONDS
 * (default 2), interleaved over BENCH_RUNS rounds (default 3), median reported:
 * - `raw selects`: the session row, then the `auth_user` row named by a known id (no signature, no
 *   expiry, no auth hash: what a careless reader does);
 * - `load`: `backend.getSession(key).load()`;
 * - `load + getUser`: the same, then `getUser` (one more query, the HMAC of the password column).
 */
import { getUser } from "../src/auth/get_user.ts";
import { sessionAuthHash } from "../src/auth/session_auth.ts";
import { postgresUsers } from "../src/auth/user_sources.ts";
import { PostgresBackend } from "../src/stores/postgres.ts";
import { benchSchema } from "./_postgres.ts";
import { BENCH, compareRates } from "./_rates.ts";

const SECRET_KEY = "django-insecure-bench";
const { sql, drop } = await benchSchema("bench_auth");
// auth_user's columns and types as Django 5.2 migrates them (constraints left out).
await sql.unsafe(`CREATE TABLE auth_user (
  id integer PRIMARY KEY, password varchar(128) NOT NULL, last_login timestamptz,
  is_superuser boolean NOT NULL, username varchar(150) NOT NULL UNIQUE,
  first_name varchar(150) NOT NULL, last_name varchar(150) NOT NULL, email varchar(254) NOT NULL,
  is_staff boolean NOT NULL, is_active boolean NOT NULL, date_joined timestamptz NOT NULL)`);
const backend = new PostgresBackend(sql, { SECRET_KEY });
const users = postgresUsers(sql);

const sessions: { key: string; id: number }[] = [];
for (let id = 1; id <= 1000; id++) {
  const password = `pbkdf2_sha256$1000000$salt${id}$${btoa(String(id).padEnd(32, "x"))}`;
  await sql`insert into auth_user values (${id}, ${password}, null, false, ${"user" + id}, '', '',
    '', false, true, now())`;
  const session = await backend.getSession().load();
  session.update({
    _auth_user_id: String(id),
    _auth_user_backend: "django.contrib.auth.backends.ModelBackend",
    _auth_user_hash: await sessionAuthHash(password, SECRET_KEY),
  });
  await session.save();
  sessions.push({ key: session.key!, id });
}

type Op = (session: { key: string; id: number }) => Promise<unknown>;
const MODES: Record<string, Op> = {
  "raw selects": async ({ key, id }) => {
    await sql`select session_data from django_session where session_key = ${key}`;
    await sql`select * from auth_user where id = ${id}`;
  },
  "load": ({ key }) => backend.getSession(key).load(),
  "load + getUser": async ({ key }) => {
    if (!await getUser(await backend.getSession(key).load(), users)) throw new Error("anonymous");
  },
};

await compareRates("auth bench", MODES, sessions, [["load + getUser", "raw selects"], [
  "load + getUser",
  "load",
]], BENCH);

await drop();
