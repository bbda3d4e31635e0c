/**
 * The PostgreSQL backend on postgres.js: the store contract (also through a client with
 * `postgres.camel` transforms and `prepare: false`, a plain one with `prepare: false`, and one
 * whose value transform and text parser would change every string they reach), a client with a row
 * transform refused, key collisions, corrupt rows, and the table helper against the table Django's
 * migration makes.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { ImproperlyConfigured, StoreUnavailable } from "../../../src/errors.ts";
import { newSessionKey } from "../../../src/session/keys.ts";
import { createSessionTable, PostgresBackend } from "../../../src/stores/postgres.ts";
import { closeDjangos, django } from "../../_django.ts";
import { HOSTILE_KEYS, storeContract } from "../../_contract.ts";
import { postgresSchema, SECRET_KEY } from "../../_postgres.ts";

const schema = await postgresSchema("pg_store");
const sql = schema.client();
await createSessionTable(sql);
after(async () => {
  await closeDjangos();
  await schema.drop();
});

function subject(client: postgres.Sql) {
  return {
    backend: new PostgresBackend(client, { SECRET_KEY }),
    withNewKey: (newKey: () => string) => new PostgresBackend(client, { SECRET_KEY }, { newKey }),
  };
}

storeContract("postgres.js", () => subject(sql), { collisions: true });

storeContract(
  "postgres.js with postgres.camel and prepare: false",
  () => subject(schema.client({ transform: postgres.camel, prepare: false })),
  { collisions: true },
);

// A plain client reads through `.values()`, prepared or not.
storeContract("postgres.js with prepare: false", () => subject(schema.client({ prepare: false })));

// Such a client reads through `.raw()`: neither its transform nor its parser may reach our cells.
const marked = (value: unknown) => typeof value === "string" ? `changed:${value}` : value;
storeContract(
  "postgres.js with a value transform and a text parser of its own",
  () =>
    subject(schema.client({
      transform: { value: marked },
      types: { text: { to: 25, from: [25, 1043], serialize: String, parse: marked } },
    })),
);

test("a postgres.js client with a row transform is refused: it would reach the rows we read", () => {
  const reshaped = schema.client({ transform: { row: (row: unknown) => ({ row }) } });
  assert.throws(
    () => new PostgresBackend(reshaped, { SECRET_KEY }),
    (error: unknown) =>
      error instanceof ImproperlyConfigured && error.code === "IMPROPERLY_CONFIGURED" &&
      /transform\.row/.test(error.message),
  );
});

let taken: string;
before(async () => {
  const session = new PostgresBackend(sql, { SECRET_KEY }).getSession();
  (await session.load()).set("a", 1);
  await session.save();
  taken = session.key!;
});

test("create gives up with StoreUnavailable after maxCreateAttempts collisions", async () => {
  const backend = new PostgresBackend(sql, { SECRET_KEY }, {
    maxCreateAttempts: 3,
    newKey: () => taken,
  });
  const session = await backend.getSession().load();
  session.set("b", 2);
  await assert.rejects(session.save(), StoreUnavailable);
});

test("a row whose data does not verify loads empty under its key, as in Django", async () => {
  const key = newSessionKey();
  await sql`insert into django_session values (${key}, ${"eyJhIjoxfQ:1:forged"}, now() + interval '1 hour')`;
  const session = await new PostgresBackend(sql, { SECRET_KEY }).getSession(key).load();
  assert.equal(session.key, key);
  assert.deepEqual(session.keys(), []);
  session.set("b", 2);
  assert.equal(await session.save(), true);
  assert.equal(session.key, key, "the save rewrites the row instead of creating another");
});

test("a row signed with a fallback secret key loads", async () => {
  const old = new PostgresBackend(sql, { SECRET_KEY: "the-old-secret" });
  const written = await old.getSession().load();
  written.set("user", "7");
  await written.save();
  const current = new PostgresBackend(sql, {
    SECRET_KEY,
    SECRET_KEY_FALLBACKS: ["the-old-secret"],
  });
  assert.equal((await current.getSession(written.key).load()).get("user"), "7");
});

const TABLE_SHAPE = `
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("select current_schema()")
    schema = cursor.fetchone()[0]
    cursor.execute("""select column_name, data_type, character_maximum_length, is_nullable
        from information_schema.columns where table_schema = current_schema()
        and table_name = 'django_session' order by column_name""")
    columns = cursor.fetchall()
    cursor.execute("""select indexname, indexdef from pg_indexes
        where schemaname = current_schema() and tablename = 'django_session' order by indexname""")
    indexes = [[name, d.replace(schema + ".", "")] for name, d in cursor.fetchall()]
result = [columns, indexes]
`;

test("createSessionTable makes the table Django's migration makes, and is idempotent", async () => {
  const migrated = await postgresSchema("pg_migrated");
  try {
    const byDjango = django("5.2", migrated.django);
    await byDjango.run(`from django.core.management import call_command
call_command("migrate", "sessions", verbosity=0)`);
    await createSessionTable(sql);
    const ours = await django("5.2", schema.django).run(TABLE_SHAPE);
    assert.deepEqual(ours, await byDjango.run(TABLE_SHAPE));
  } finally {
    await migrated.drop();
  }
});

test("keys that cannot be Django keys never reach SQL", async () => {
  const statements: unknown[] = [];
  const watched = schema.client({
    debug: (_connection, query) => statements.push(query),
    fetch_types: false,
  });
  const backend = new PostgresBackend(watched, { SECRET_KEY });
  for (const key of HOSTILE_KEYS) {
    await backend.getSession(key).load();
    await backend.exists(key);
    await backend.delete(key);
  }
  assert.deepEqual(statements, []);
  await backend.exists(newSessionKey());
  assert.equal(statements.length, 1);
});
