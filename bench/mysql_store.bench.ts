/**
 * MysqlBackend on mysql2 against raw mysql2 statements on the same rows, and the cost of keeping
 * Django's `cached_db` cache coherent (one Redis DEL per save), in one run, as ratios (so the
 * machine's speed cancels out). Standalone on any runtime:
 *
 *   node --import tsx bench/mysql_store.bench.ts
 *   node_modules/.bin/bun bench/mysql_store.bench.ts
 *   node_modules/.bin/deno run -A bench/mysql_store.bench.ts
 *
 * Modes, each driven by 32 concurrent loops over 1000 saved sessions for BENCH_SECONDS (default 2),
 * interleaved over BENCH_RUNS rounds (default 3), median reported:
 * - `raw select`: `select session_data … where session_key = ?` (no expiry or signature check);
 * - `load`: `backend.getSession(key).load()` (expiry in SQL, signature check, decode);
 * - `raw select + update`: the raw select then a raw update of the same row;
 * - `load + save`: load, set one value, save (sign, compress when it pays, update);
 * - `load + save, cached_db`: the same through `withCacheInvalidation` (one ioredis DEL more).
 */
import mysql from "mysql2/promise";
import { Redis } from "ioredis";
import { SessionBackend } from "../src/session/backend.ts";
import { MysqlBackend } from "../src/stores/mysql.ts";
import { createMysqlSessionTable } from "../src/stores/mysql_schema.ts";
import { withCacheInvalidation } from "../src/stores/cache_invalidation.ts";
import { BENCH, compareRates, seedSessions } from "./_rates.ts";

const server = { host: "127.0.0.1", port: 3306, user: "root" };
const database = `bench_sess_${crypto.randomUUID().slice(0, 8)}`;

const admin = await mysql.createConnection(server);
await admin.query(`CREATE DATABASE \`${database}\``);
const pool = mysql.createPool({ ...server, database, connectionLimit: 8 });
await createMysqlSessionTable(pool);
const redis = new Redis({ host: "127.0.0.1", port: 6379, db: 3 });
const backend = new MysqlBackend(pool, { SECRET_KEY: "django-insecure-bench" });
const coherent = new SessionBackend(
  withCacheInvalidation(backend.store, redis, { keyPrefix: database }),
  backend.settings,
);

const keys = await seedSessions(backend, 1000);

const SELECT = "SELECT session_data FROM django_session WHERE session_key = ?";
const UPDATE = "UPDATE django_session SET session_data = ?, expire_date = " +
  "UTC_TIMESTAMP(6) + INTERVAL 14 DAY WHERE session_key = ?";
const loadAndSave = async (sessions: SessionBackend, key: string) => {
  const session = await sessions.getSession(key).load();
  session.set("seen", Date.now());
  await session.save();
};

type Op = (key: string) => Promise<unknown>;
const MODES: Record<string, Op> = {
  "raw select": (key) => pool.execute(SELECT, [key]),
  "load": (key) => backend.getSession(key).load(),
  "raw select + update": async (key) => {
    const [rows] = await pool.execute<mysql.RowDataPacket[]>(SELECT, [key]);
    await pool.execute(UPDATE, [rows[0].session_data, key]);
  },
  "load + save": (key) => loadAndSave(backend, key),
  "load + save, cached_db": (key) => loadAndSave(coherent, key),
};

await compareRates("mysql store bench", MODES, keys, [["load", "raw select"], [
  "load + save",
  "raw select + update",
], ["load + save, cached_db", "load + save"]], BENCH);

await admin.query(`DROP DATABASE \`${database}\``);
await Promise.all([pool.end(), admin.end()]);
redis.disconnect();
