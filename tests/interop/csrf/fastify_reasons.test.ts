/**
 * Issue 12 for the Fastify plugin, through Fastify 5 listening on a port (trustProxy, forms parsed
 * by @fastify/formbody and @fastify/multipart): the CSRF parity table against real Django
 * 3.2/4.2/5.2/6.1 on the bridge's signed cookies; `CSRF_USE_SESSIONS` both ways, and its store
 * down answered 503; Django's own 403 page without the `csrfFailure` option; a POST to no route
 * answered 404 as Django does; a body Fastify cannot parse answered by Fastify; and `login()`
 * rotating the token.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import Fastify, { type FastifyInstance } from "fastify";
import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import postgres from "postgres";
import { djangoSession, type DjangoSessionOptions } from "../../../src/adapters/fastify.ts";
import { authenticate, login, sqliteUsers, type UserSource } from "../../../src/auth/mod.ts";
import { csrfFailureBody } from "../../../src/csrf/mod.ts";
import type { Session } from "../../../src/session/session.ts";
import type { DjangoSettingsInput } from "../../../src/settings/settings.ts";
import { PostgresBackend } from "../../../src/stores/postgres.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { freePort } from "../../../examples/_launch.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { openSqlite, SECRET_KEY, tempDirectory, type TestDatabase } from "../../_sqlite.ts";
import {
  overHttp,
  pair,
  type Probe,
  siteSettings,
  toDjango,
  tokenIn,
  toService,
  TRUSTED,
} from "./_probe.ts";
import { assertParity } from "./_probes.ts";
import { assertLoginRotates, siteWithAlice } from "./_login.ts";

const temp = tempDirectory("csrf-fastify");
const apps: FastifyInstance[] = [];
const opened: TestDatabase[] = [];
after(async () => {
  await closeDjangos();
  for (const app of apps) await app.close();
  for (const db of opened) db.close();
  temp.remove();
});

type Settings = Omit<DjangoSettingsInput, "SECRET_KEY">;

/**
 * The Fastify twin of tests/django/csrf_site.py: /form/ renders the token, /protected/ answers
 * "ok", /exempt/ is exempt, /login/ runs authenticate + login. Answers on a port.
 */
async function fastifySite(
  settings: Settings,
  { users, ...options }: Partial<DjangoSessionOptions> & { users?: UserSource } = {},
): Promise<(request: Request) => Promise<Response>> {
  const app = Fastify({ trustProxy: true });
  apps.push(app);
  await app.register(formbody);
  await app.register(multipart, { attachFieldsToBody: true });
  const backend = new SignedCookieBackend({ SECRET_KEY, ...settings });
  await app.register(djangoSession, { backend, ...options }); // options.backend wins
  app.get("/form/", (request, reply) => {
    const token = request.getDecorator<() => string>("csrfToken")();
    const input = `<input type="hidden" name="csrfmiddlewaretoken" value="${token}">`;
    return reply.type("text/html").send(`<form method="post">${input}</form>`);
  });
  const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
  app.route({ method: [...methods], url: "/protected/", handler: () => "ok" });
  app.route({
    method: [...methods],
    url: "/exempt/",
    config: { csrfExempt: true },
    handler: () => "ok",
  });
  app.post("/login/", async (request, reply) => {
    const { username, password } = request.body as Record<string, string>;
    const session = request.getDecorator<Session>("session");
    const user = await authenticate(session, users!, username, password);
    if (!user) return reply.code(401).send("wrong credentials");
    await login(session, user, users!);
    return reply.redirect("/");
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return overHttp((app.server.address() as { port: number }).port);
}

const post = (path: string, cookie: string, fields: Record<string, string>): Probe => ({
  method: "POST",
  path,
  headers: { cookie, origin: "http://testserver" },
  body: new URLSearchParams(fields).toString(),
  contentType: "application/x-www-form-urlencoded",
});

const reasonAsBody: Partial<DjangoSessionOptions> = {
  csrfFailure: (error, _request, reply) => reply.send(error.reason),
};

for (const version of DJANGO_VERSIONS) {
  describe(`CSRF reasons, Django ${version} and the Fastify plugin`, () => {
    const site = django(version, siteSettings(version));
    const settings = { djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED };

    test("every request gets the same answer and reason from both", async () => {
      const ours = await fastifySite(settings, reasonAsBody);
      const statuses = await assertParity(site, version, (probe) => toService(ours, probe));
      console.log(`Django ${version}, Fastify:\n  ${statuses.join("\n  ")}`);
    });

    test("CSRF_USE_SESSIONS: the secret travels in the shared session, both ways", async () => {
      const sessions = { CSRF_USE_SESSIONS: true };
      const theirs = (probe: Probe) =>
        toDjango(django(version, siteSettings(version, sessions)), probe);
      const ours = await fastifySite({ ...settings, ...sessions }, reasonAsBody);
      const mine = (probe: Probe) => toService(ours, probe);
      for (const [from, to] of [[theirs, mine], [mine, theirs]]) {
        const page = await from({ method: "GET", path: "/form/" });
        assert.equal(page.cookies.csrftoken, undefined);
        const cookie = pair(page.cookies.sessionid);
        const token = tokenIn(page.body);
        assert.equal(
          (await to(post("/protected/", cookie, { csrfmiddlewaretoken: token }))).status,
          200,
        );
        const forged = post("/protected/", cookie, { csrfmiddlewaretoken: "a".repeat(64) });
        assert.equal((await to(forged)).status, 403);
      }
    });
  });
}

test("Fastify: CSRF_USE_SESSIONS with the store down is answered 503 with Retry-After", async () => {
  const sql = postgres(`postgres://postgres@127.0.0.1:${await freePort()}/test`, { max: 1 });
  try {
    const backend = new PostgresBackend(sql, { SECRET_KEY, CSRF_USE_SESSIONS: true });
    const ours = await fastifySite({}, { backend });
    const cookie = `sessionid=${"a".repeat(32)}`;
    const response = await ours(new Request("http://testserver/form/", { headers: { cookie } }));
    assert.equal(response.status, 503);
    assert.equal(response.headers.get("retry-after"), "5");
    assert.equal(await response.text(), "Service Unavailable");
  } finally {
    await sql.end();
  }
});

const forged: Probe = {
  method: "POST",
  path: "/protected/",
  headers: { origin: "http://testserver", cookie: "csrftoken=" + "a".repeat(32) },
};

test("Fastify without csrfFailure: Django's plain-text 403, and the handler does not run", async () => {
  const ours = await fastifySite({ djangoVersion: "5.2" });
  const response = await ours(new Request("http://testserver/protected/", forged));
  assert.equal(response.status, 403);
  assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await response.text(), csrfFailureBody("CSRF token missing."));
});

test("Fastify: a POST to no route is answered 404, as Django resolves the URL first", async () => {
  const ours = await fastifySite({ djangoVersion: "5.2" }, reasonAsBody);
  const nowhere = { ...forged, path: "/nowhere/" };
  const theirs = await toDjango(django("5.2", siteSettings("5.2")), nowhere);
  const mine = await toService(ours, nowhere);
  assert.deepEqual([mine.status, mine.reason], [theirs.status, theirs.reason]);
  assert.equal(mine.status, 404);
});

test("Fastify: a body Fastify cannot parse is answered 400 by Fastify, the handler not run", async () => {
  const ours = await fastifySite({ djangoVersion: "5.2" }, reasonAsBody);
  const broken = { ...forged, body: "{", contentType: "application/json" };
  const mine = await toService(ours, broken);
  assert.equal(mine.status, 400);
  assert.equal(JSON.parse(mine.body).code, "FST_ERR_CTP_INVALID_JSON_BODY");
  assert.deepEqual(mine.cookies, {});
});

for (const version of DJANGO_VERSIONS) {
  test(`Fastify: login() rotates the CSRF token, refused after by Django ${version}`, async () => {
    const file = temp.path(`users-${version}.sqlite3`);
    const site = await siteWithAlice(version, file);
    const db = await openSqlite(file);
    opened.push(db);
    const settings = { djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED };
    const ours = await fastifySite(settings, { ...reasonAsBody, users: sqliteUsers(db) });
    await assertLoginRotates(site, version, (probe) => toService(ours, probe));
  });
}
