/**
 * `withSession` on Cloudflare's own runtime: workerd (the npm package's binary) serves a bundled
 * Worker on a loopback port, and real Django reads and writes the same sessions — a signed cookie
 * on plain workerd, and PostgreSQL rows through postgres.js over `cloudflare:sockets`
 * (`nodejs_compat`, one client per request). The same file runs under each runner; the Worker always
 * runs on workerd.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeDjangos, django, DJANGO_DB_CREATE, DJANGO_VERSIONS } from "../../_django.ts";
import { PG_URL, postgresSchema, SECRET_KEY } from "../../_postgres.ts";
import { serveWorker } from "../../_workerd.ts";

/** Bun stops a test after 5 s; a cold Django on a busy machine can take longer. */
const slow = { timeout: 60_000 };
const SIGNED = "from django.contrib.sessions.backends.signed_cookies import SessionStore\n";
const SIGNED_CREATE = SIGNED +
  "s = SessionStore()\ns.update(args)\ns.save()\nresult = s.session_key";
const SIGNED_READ = SIGNED + "result = dict(SessionStore(session_key=args))";
const DB_READ = `from django.contrib.sessions.backends.db import SessionStore
s = SessionStore(args)
result = [dict(s), s.model.objects.filter(pk=args).exists()]`;
const COOKIE =
  /^sessionid=([^;]+); expires=[^;]+ GMT; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/;

const schema = await postgresSchema("workerd");
// At module level, not in before(): Bun gives hooks 5 s, and a cold Django migrate can take longer.
await django("5.2", schema.django).run(`from django.core.management import call_command
call_command("migrate", "sessions", verbosity=0)`);
const plain = await serveWorker({ name: "signed_cookies", bindings: { SECRET_KEY } });
const withPostgres = await serveWorker({
  name: "postgres",
  bindings: { SECRET_KEY, DATABASE_URL: PG_URL, SCHEMA: schema.name },
  flags: ["nodejs_compat"],
});
after(async () => {
  await Promise.all([plain.close(), withPostgres.close(), closeDjangos()]);
  await schema.drop();
});

/** One request to a worker: the session it saw, and the cookie value it set (null: none). */
async function call(url: string, cookie: string | null, set?: object) {
  const headers: Record<string, string> = set ? { "x-set": JSON.stringify(set) } : {};
  if (cookie !== null) headers.cookie = `sessionid=${cookie}`;
  const response = await fetch(url, { headers });
  assert.equal(response.status, 200);
  const setCookie = response.headers.get("set-cookie");
  return { seen: await response.json(), setCookie, key: setCookie?.match(COOKIE)?.[1] ?? null };
}

for (const version of DJANGO_VERSIONS) {
  const dj = django(version, schema.django);

  describe(`workerd without nodejs_compat, signed cookies, Django ${version}`, () => {
    test("the Worker reads Django's cookie and writes one Django reads", slow, async () => {
      const cookie = await dj.run<string>(SIGNED_CREATE, { django: version });
      const { seen, key } = await call(`${plain.url}/`, cookie, { worker: 1 });
      assert.deepEqual(seen, { django: version });
      assert.deepEqual(await dj.run(SIGNED_READ, key), { django: version, worker: 1 });
    });

    test("a tampered cookie is a new, empty session", slow, async () => {
      const cookie = await dj.run<string>(SIGNED_CREATE, { django: version });
      const { seen, key } = await call(`${plain.url}/`, cookie.slice(0, -1), { worker: 2 });
      assert.deepEqual(seen, {});
      assert.deepEqual(await dj.run(SIGNED_READ, key), { worker: 2 });
    });
  });

  describe(`workerd with postgres.js on cloudflare:sockets, Django ${version}`, () => {
    test("the Worker reads Django's row and updates it for Django", slow, async () => {
      const key = await dj.run<string>(DJANGO_DB_CREATE, { django: version });
      const answer = await call(`${withPostgres.url}/`, key, { worker: 1 });
      assert.deepEqual(answer.seen, { django: version });
      assert.equal(answer.key, key);
      assert.deepEqual(await dj.run(DB_READ, key), [{ django: version, worker: 1 }, true]);
    });

    test("a session the Worker creates is a row Django reads", slow, async () => {
      const { seen, key } = await call(`${withPostgres.url}/`, null, { worker: 3 });
      assert.deepEqual(seen, {});
      assert.match(key!, /^[a-z0-9]{32}$/);
      assert.deepEqual(await dj.run(DB_READ, key), [{ worker: 3 }, true]);
    });

    test("logout on the Worker deletes Django's row and the cookie", slow, async () => {
      const key = await dj.run<string>(DJANGO_DB_CREATE, { django: version });
      const { setCookie } = await call(`${withPostgres.url}/logout`, key);
      assert.equal(
        setCookie,
        'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax',
      );
      assert.deepEqual(await dj.run(DB_READ, key), [{}, false]);
    });
  });
}
