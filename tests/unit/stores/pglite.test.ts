/**
 * The PostgreSQL backend on PGlite (real PostgreSQL compiled to WASM, in process): the embedded
 * database the suite and the demo fall back to without a server. Custom `parsers` must not change
 * what the backend reads.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { PGlite } from "@electric-sql/pglite";
import { createSessionTable, PostgresBackend } from "../../../src/stores/postgres.ts";
import { storeContract } from "../../_contract.ts";
import { SECRET_KEY } from "../../_sqlite.ts";

const TEXT_OID = 25;
const db = new PGlite({ parsers: { [TEXT_OID]: (value: string) => `parsed:${value}` } });
await createSessionTable(db);
await createSessionTable(db);
after(() => db.close());

storeContract("PGlite", () => ({
  backend: new PostgresBackend(db, { SECRET_KEY }),
  withNewKey: (newKey) => new PostgresBackend(db, { SECRET_KEY }, { newKey }),
}), { collisions: true });

test("PGlite holds the indexes Django's migration creates", async () => {
  const { rows } = await db.query<{ indexname: string }>(
    "select indexname from pg_indexes where tablename = 'django_session' order by indexname",
  );
  assert.deepEqual(rows.map((row) => row.indexname), [
    "django_session_expire_date_a5c62663",
    "django_session_pkey",
    "django_session_session_key_c0390e0f_like",
  ]);
});
