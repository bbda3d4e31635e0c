/**
 * The child process of timeout_exit.test.ts: saves and loads a session on PostgreSQL under a
 * 60-second operation timeout, ends its client, and prints "settled". It exits at once unless a
 * timer of the store's timeout outlives the calls it watched.
 */
import process from "node:process";
import postgres from "postgres";
import { createSessionTable, PostgresBackend } from "../../../src/stores/postgres.ts";
import { PG_URL, SECRET_KEY } from "../../_postgres.ts";

const sql = postgres(PG_URL, {
  max: 1,
  onnotice: () => {},
  connection: { search_path: process.argv.at(-1)! },
});
await createSessionTable(sql);
const backend = new PostgresBackend(sql, { SECRET_KEY }, { operationTimeout: 60_000 });
const session = (await backend.getSession().load()).set("n", 1);
await session.save();
const loaded = await backend.getSession(session.key).load();
await sql.end();
console.log(loaded.get("n") === 1 ? "settled" : "not loaded");
