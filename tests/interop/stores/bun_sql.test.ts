/**
 * The PostgreSQL backend on Bun's built-in SQL client (`new Bun.SQL(url)`), with Django reading what
 * it writes. Bun only: under Deno and Node
 * this file registers no tests.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { createSessionTable, PostgresBackend } from "../../../src/stores/postgres.ts";
import type { UnsafeSqlClient } from "../../../src/stores/postgres_client.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { storeContract } from "../../_contract.ts";
import { PG_URL, postgresSchema, SECRET_KEY } from "../../_postgres.ts";

interface BunGlobal {
  SQL: new (
    options: { url: string; max?: number; connection?: Record<string, string> },
  ) => UnsafeSqlClient & { close(): Promise<void> };
}
const bun = (globalThis as { Bun?: BunGlobal }).Bun;

if (bun) {
  const schema = await postgresSchema("bun_sql");
  const sql = new bun.SQL({ url: PG_URL, max: 4, connection: { search_path: schema.name } });
  await createSessionTable(sql);
  after(async () => {
    await closeDjangos();
    await sql.close();
    await schema.drop();
  });
  const backend = new PostgresBackend(sql, { SECRET_KEY });

  storeContract("Bun.sql", () => ({
    backend,
    withNewKey: (newKey) => new PostgresBackend(sql, { SECRET_KEY }, { newKey }),
  }), { collisions: true });

  for (const version of DJANGO_VERSIONS) {
    test(`Django ${version} loads what Bun.sql wrote and we load what it writes`, async () => {
      const dj = django(version, schema.django);
      const ours = await backend.getSession().load();
      ours.set("from", "bun");
      await ours.save();
      const read = await dj.run(
        `from django.contrib.sessions.backends.db import SessionStore
s = SessionStore(args)
result = dict(s.items())
s["from"] = "django"
s.save()`,
        ours.key,
      );
      assert.deepEqual(read, { from: "bun" });
      assert.equal((await backend.getSession(ours.key).load()).get("from"), "django");
    });
  }
}
