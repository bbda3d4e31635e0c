/**
 * Issue 5 on PostgreSQL: Django 3.2/4.2/5.2 and our auth functions on one schema that Django
 * migrated (contenttypes, auth, sessions), through postgres.js.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { authenticate } from "../../../src/auth/authenticate.ts";
import { getUser } from "../../../src/auth/get_user.ts";
import { postgresUsers } from "../../../src/auth/user_sources.ts";
import { StoreUnavailable } from "../../../src/errors.ts";
import { PostgresBackend } from "../../../src/stores/postgres.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { postgresSchema } from "../../_postgres.ts";
import { authCases, SECRET_KEY } from "./_cases.ts";

const schema = await postgresSchema("auth");
const sessions = schema.client();
let queries = 0;
// No type fetch on connect: `debug` then sees only the statements the source runs.
const userClient = schema.client({ fetch_types: false, debug: () => queries++ });

// At module level, not in a hook: Bun gives hooks 5 s.
await django("5.2", schema.django).run(`from django.core.management import call_command
call_command("migrate", verbosity=0)`);
after(async () => {
  await closeDjangos();
  await schema.drop();
});

for (const version of DJANGO_VERSIONS) {
  authCases(version, () => ({
    settings: { DATABASES: schema.django.DATABASES },
    // djangoVersion: Django 3.2 cannot read ISO `_session_expiry` (4.1+).
    backend: (settings) => new PostgresBackend(sessions, { djangoVersion: version, ...settings }),
    users: () => ({ source: postgresUsers(userClient), queries: () => queries }),
  }));
}

test("a user table that cannot be reached is StoreUnavailable (user lookup), and the process goes on", async () => {
  // Nothing listens on port 1: the connection is refused at once.
  const down = postgres("postgres://postgres@127.0.0.1:1/test", { max: 1, connect_timeout: 2 });
  const users = postgresUsers(down);
  const session = new PostgresBackend(sessions, { SECRET_KEY }).getSession();
  await session.load();
  session.update({
    _auth_user_id: "1",
    _auth_user_backend: "django.contrib.auth.backends.ModelBackend",
    _auth_user_hash: "0".repeat(64),
  });
  const unavailable = (error: unknown) =>
    error instanceof StoreUnavailable && error.operation === "user lookup";
  await assert.rejects(getUser(session, users), unavailable);
  await assert.rejects(
    authenticate(session, users, "alice", "pw"),
    unavailable,
  );
  await down.end();
});
