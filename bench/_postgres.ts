/**
 * A PostgreSQL schema of its own for one benchmark run: a postgres.js client whose `search_path` is
 * that schema, with Django's `django_session` table in it, and `drop()` to remove it all.
 */
import postgres from "postgres";
import { createSessionTable } from "../src/stores/postgres.ts";

const URL = "postgres://postgres@127.0.0.1:5432/test";

/** Creates the schema `<prefix>_<random>` and its session table; `drop()` ends both clients. */
export async function benchSchema(
  prefix: string,
): Promise<{ sql: postgres.Sql; drop(): Promise<void> }> {
  const schema = `${prefix}_${crypto.randomUUID().slice(0, 8)}`;
  const admin = postgres(URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE SCHEMA "${schema}"`);
  const sql = postgres(URL, { max: 8, onnotice: () => {}, connection: { search_path: schema } });
  await createSessionTable(sql);
  return {
    sql,
    async drop() {
      await admin.unsafe(`DROP SCHEMA "${schema}" CASCADE`);
      await Promise.all([sql.end(), admin.end()]);
    },
  };
}
