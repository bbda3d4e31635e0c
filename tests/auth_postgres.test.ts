/**
 * Issue 5 on PostgreSQL: Django 3.2/4.2/5.2 and our auth functions on one schema that Django
 * migrated (contenttypes, auth, sessions), through postgres.js.
 */
import { after } from "node:test";
import { postgresUsers } from "../src/auth/user_sources.ts";
import { PostgresBackend } from "../src/stores/postgres.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "./_django.ts";
import { postgresSchema } from "./_postgres.ts";
import { authCases } from "./auth_cases.ts";

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
    backend: (keys) =>
      new PostgresBackend(sessions, {
        ...keys,
        // Django 3.2 cannot read ISO `_session_expiry` (4.1+).
        expiryDates: version === "3.2" ? "seconds" : "iso",
      }),
    users: () => ({ source: postgresUsers(userClient), queries: () => queries }),
  }));
}
