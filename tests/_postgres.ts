/**
 * A PostgreSQL schema of its own for one test file and runtime, on this machine's server, with
 * Django's settings for the same schema.
 */
import postgres from "postgres";
import { postgresDatabase } from "./_django.ts";

export const PG_URL = "postgres://postgres@127.0.0.1:5432/test";
export const SECRET_KEY = "django-insecure-test-key";

/** A fresh schema `label_<random>`; `drop()` removes it and closes the clients it made. */
export async function postgresSchema(label: string) {
  const name = `sess_${label}_${crypto.randomUUID().slice(0, 8)}`;
  // Idle connections close by themselves: Bun runs every file in one process and may end the
  // files' clients only at the very end, which otherwise exhausts the server's max_connections.
  const admin = postgres(PG_URL, { max: 1, idle_timeout: 2, onnotice: () => {} });
  await admin.unsafe(`DROP SCHEMA IF EXISTS "${name}" CASCADE; CREATE SCHEMA "${name}"`);
  const clients: postgres.Sql[] = [admin];
  return {
    name,
    /** A postgres.js client on this schema; extra options (transform, prepare) as given. */
    client(options: postgres.Options<Record<string, postgres.PostgresType>> = {}) {
      const sql = postgres(PG_URL, {
        max: 4,
        idle_timeout: 2,
        onnotice: () => {},
        ...options,
        connection: { search_path: name },
      });
      clients.push(sql);
      return sql;
    },
    /** Django's settings for this schema. */
    django: { SECRET_KEY, DATABASES: { default: postgresDatabase(name) } },
    async drop() {
      await admin.unsafe(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      await Promise.all(clients.map((sql) => sql.end()));
    },
  };
}
