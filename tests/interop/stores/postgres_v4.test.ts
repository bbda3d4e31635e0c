/**
 * postgres.js 4 (a new pool, parameters typed by the server) as the PostgreSQL backend's client: the
 * store contract, also through `postgres.camel` transforms and `prepare: false`, and real Django
 * (every version the suite runs) reading what we wrote through it and we what Django wrote, on one
 * schema Django migrated. postgres.js 3 has postgres.test.ts and postgres_django.test.ts.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres-v4";
import { PostgresBackend } from "../../../src/stores/postgres.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { storeContract } from "../../_contract.ts";
import { PG_URL, postgresSchema, SECRET_KEY } from "../../_postgres.ts";

const schema = await postgresSchema("pg_v4");
const clients: postgres.Sql[] = [];
/** A postgres.js 4 client on the schema. */
function client(options: postgres.Options<Record<string, postgres.PostgresType>> = {}) {
  const sql = postgres(PG_URL, {
    max: 4,
    idle_timeout: 2,
    onnotice: () => {},
    ...options,
    connection: { search_path: schema.name },
  });
  clients.push(sql);
  return sql;
}
// At module level, not in before(): Bun gives hooks 5 s, and a cold Django migrate can take longer.
await django("5.2", schema.django).run(`from django.core.management import call_command
call_command("migrate", "sessions", verbosity=0)`);
after(async () => {
  await closeDjangos();
  await Promise.all(clients.map((sql) => sql.end()));
  await schema.drop();
});

function subject(sql: postgres.Sql) {
  return {
    backend: new PostgresBackend(sql, { SECRET_KEY }),
    withNewKey: (newKey: () => string) => new PostgresBackend(sql, { SECRET_KEY }, { newKey }),
  };
}

storeContract("postgres.js 4", () => subject(client()), { collisions: true });

storeContract(
  "postgres.js 4 with postgres.camel and prepare: false",
  () => subject(client({ transform: postgres.camel, prepare: false })),
  { collisions: true },
);

const STORE = "from django.contrib.sessions.backends.db import SessionStore\n";
const CREATE = STORE + `s = SessionStore()
s.update(args)
s.save()
result = s.session_key`;
const READ = STORE + "result = dict(SessionStore(args).items())";

for (const version of DJANGO_VERSIONS) {
  describe(`Django ${version} and PostgresBackend on postgres.js 4`, () => {
    const dj = django(version, schema.django);
    // Django 3.2 cannot read ISO expiry strings (4.1+): djangoVersion stores dates as seconds.
    const backend = new PostgresBackend(client(), { SECRET_KEY, djangoVersion: version });

    test("Django creates, we load it (compressed too) and update it, Django reads that", async () => {
      const data = { user: "42", name: "Zoë 🍪", big: "x".repeat(2000) };
      const key = await dj.run<string>(CREATE, data);
      const session = await backend.getSession(key).load();
      assert.deepEqual(Object.fromEntries(session.entries()), data);
      session.set("cart", [7]);
      session.setExpiry(new Date(Date.now() + 3_600_000));
      await session.save();
      const seen = await dj.run<Record<string, unknown>>(READ, key);
      assert.deepEqual(seen.cart, [7]);
      assert.equal(seen.user, "42");
    });

    test("we create a session, Django loads it; we delete it, Django finds nothing", async () => {
      const session = (await backend.getSession().load()).set("user", "7");
      await session.save();
      assert.equal((await dj.run<Record<string, unknown>>(READ, session.key)).user, "7");
      const key = session.key;
      await session.flush();
      assert.deepEqual(await dj.run(READ, key), {});
    });
  });
}
