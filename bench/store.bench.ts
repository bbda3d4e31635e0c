/**
 * PostgresBackend on postgres.js against a raw postgres.js select of the same row, in one run, as
 * ratios (so the machine's speed cancels out). Standalone on any runtime:
 *
 *   node --import tsx bench/store.bench.ts
 *   node_modules/.bin/bun bench/store.bench.ts
 *   node_modules/.bin/deno run -A bench/store.bench.ts
 *
 * Modes, each driven by 32 concurrent loops over 1000 saved sessions for BENCH_SECONDS (default 2),
 * interleaved over BENCH_RUNS rounds (default 3), median reported:
 * - `raw select`: sql`select session_data from django_session where session_key = ${key}` (no
 *   expiry check, no signature check: what a careless reader does);
 * - `load`: `backend.getSession(key).load()` (expiry in SQL, signature check, decode; a text
 *   verified before skips the check: see `verifiedCacheChars`);
 * - `load, no cache`: the same with `verifiedCacheChars: 0`, every load checks the signature;
 * - `raw select + update`: the raw select then a raw update of the same row;
 * - `load + save`: load, set one value, save (sign, compress when it pays, update).
 */
import { PostgresBackend } from "../src/stores/postgres.ts";
import { benchSchema } from "./_postgres.ts";
import { BENCH, compareRates, seedSessions } from "./_rates.ts";

const { sql, drop } = await benchSchema("bench_store");
const backend = new PostgresBackend(sql, { SECRET_KEY: "django-insecure-bench" });
const uncached = new PostgresBackend(sql, { SECRET_KEY: "django-insecure-bench" }, {
  verifiedCacheChars: 0,
});

const keys = await seedSessions(backend, 1000);

type Op = (key: string) => Promise<unknown>;
const MODES: Record<string, Op> = {
  "raw select": (key) => sql`select session_data from django_session where session_key = ${key}`,
  "load": (key) => backend.getSession(key).load(),
  "load, no cache": (key) => uncached.getSession(key).load(),
  "raw select + update": async (key) => {
    const [row] = await sql`select session_data from django_session where session_key = ${key}`;
    await sql`update django_session set session_data = ${row.session_data},
      expire_date = now() + interval '14 days' where session_key = ${key}`;
  },
  "load + save": async (key) => {
    const session = await backend.getSession(key).load();
    session.set("seen", Date.now());
    await session.save();
  },
};

await compareRates("store bench", MODES, keys, [["load", "raw select"], [
  "load, no cache",
  "raw select",
], ["load + save", "raw select + update"]], BENCH);

await drop();
