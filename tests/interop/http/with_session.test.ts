// withSession, Request → Response, on a real PostgreSQL table that real Django reads and writes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { StoreUnavailable } from "../../../src/errors.ts";
import { withSession } from "../../../src/adapters/fetch.ts";
import { createSessionTable, PostgresBackend } from "../../../src/stores/postgres.ts";
import { closeDjangos, django, DJANGO_DB_CREATE, DJANGO_VERSIONS } from "../../_django.ts";
import { postgresSchema, SECRET_KEY } from "../../_postgres.ts";

const COOKIE =
  /^sessionid=([a-z0-9]{32}); expires=(\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT); HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/;
const DELETED =
  'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax';

const DJANGO_READ = `
from django.contrib.sessions.backends.db import SessionStore
s = SessionStore(session_key=args)
result = dict(s.items()) if s.exists(args) else None
`;
const DJANGO_DELETE = `
from django.contrib.sessions.backends.db import SessionStore
SessionStore(session_key=args).delete()
`;

const schema = await postgresSchema("http_with_session");
let queries = 0;
const sql = schema.client({ fetch_types: false, debug: () => queries++ });
const backend = new PostgresBackend(sql, { SECRET_KEY });

before(() => createSessionTable(sql));
after(async () => {
  await closeDjangos();
  await schema.drop();
});

const request = (cookie?: string) =>
  new Request("http://app.test/", { headers: cookie ? { cookie } : {} });

for (const version of DJANGO_VERSIONS) {
  const dj = django(version, schema.django);
  const djangoSession = async (data: Record<string, unknown>) =>
    await dj.run<string>(DJANGO_DB_CREATE, data);

  describe(`withSession with Django ${version} on the same table`, () => {
    test("a route that never touches the session: no query, no cookie, no Vary", async () => {
      const key = await djangoSession({ n: 1 });
      const before = queries;
      const response = await withSession({ backend }, () => new Response("ok"))(
        request(`sessionid=${key}`),
      );
      assert.equal(queries - before, 0);
      assert.equal(response.headers.get("set-cookie"), null);
      assert.equal(response.headers.get("vary"), null);
    });

    test("reading Django's session: one query, Vary: Cookie, no Set-Cookie", async () => {
      const key = await djangoSession({ django: 1 });
      const before = queries;
      const handler = withSession({ backend }, async (_req, { session }) => {
        await session.load();
        return new Response(String(session.get("django")));
      });
      const response = await handler(request(`sessionid=${key}`));
      assert.equal(await response.text(), "1");
      assert.equal(queries - before, 1);
      assert.equal(response.headers.get("vary"), "Cookie");
      assert.equal(response.headers.get("set-cookie"), null);
    });

    test("a new session gets Django's cookie, and Django reads what we saved", async () => {
      const handler = withSession({ backend }, async (_req, { session }) => {
        (await session.load()).set("ts", "new");
        return new Response("saved");
      });
      const response = await handler(request());
      const [, key, expires] = response.headers.get("set-cookie")!.match(COOKIE)!;
      const age = (Date.parse(expires) - Date.now()) / 1000;
      assert.ok(age > 1209500 && age <= 1209600, `expires ${expires} is not now + Max-Age`);
      assert.equal(response.headers.get("vary"), "Cookie");
      assert.deepEqual(await dj.run(DJANGO_READ, key), { ts: "new" });
    });

    test("changing Django's session refreshes the same key: one query each way", async () => {
      const key = await djangoSession({ django: 1 });
      const before = queries;
      const handler = withSession({ backend }, async (_req, { session }) => {
        (await session.load()).set("ts", 2);
        return new Response(null, { status: 204 });
      });
      const response = await handler(request(`other=x; sessionid=${key}`));
      assert.equal(queries - before, 2, "one select, one update");
      assert.equal(response.headers.get("set-cookie")!.match(COOKIE)![1], key);
      assert.equal(response.status, 204);
      assert.deepEqual(await dj.run(DJANGO_READ, key), { django: 1, ts: 2 });
    });

    test("flushing deletes the row and the cookie", async () => {
      const key = await djangoSession({ django: 1 });
      const handler = withSession({ backend }, async (_req, { session }) => {
        await session.flush();
        return new Response("bye");
      });
      const response = await handler(request(`sessionid=${key}`));
      assert.equal(response.headers.get("set-cookie"), DELETED);
      assert.equal(response.headers.get("vary"), "Cookie");
      assert.equal(await dj.run(DJANGO_READ, key), null);
    });

    test("a handler that throws saves nothing and its error propagates", async () => {
      const key = await djangoSession({ django: 1 });
      const handler = withSession({ backend }, async (_req, { session }) => {
        (await session.load()).set("django", 2);
        throw new RangeError("boom");
      });
      await assert.rejects(handler(request(`sessionid=${key}`)), RangeError);
      assert.deepEqual(await dj.run(DJANGO_READ, key), { django: 1 });
    });

    test("a 5xx response saves nothing", async () => {
      const key = await djangoSession({ django: 1 });
      const handler = withSession({ backend }, async (_req, { session }) => {
        (await session.load()).set("django", 2);
        return new Response("down", { status: 503 });
      });
      const response = await handler(request(`sessionid=${key}`));
      assert.equal(response.headers.get("set-cookie"), null);
      assert.deepEqual(await dj.run(DJANGO_READ, key), { django: 1 });
    });

    test("a session Django deleted meanwhile gives 400 (SessionInterrupted)", async () => {
      const key = await djangoSession({ django: 1 });
      const handler = withSession({ backend }, async (_req, { session }) => {
        (await session.load()).set("django", 2);
        await dj.run(DJANGO_DELETE, key);
        return new Response("ok");
      });
      const response = await handler(request(`sessionid=${key}`));
      assert.equal(response.status, 400);
      assert.equal(response.headers.get("set-cookie"), null);
    });
  });
}

describe("withSession responses", () => {
  const counting = withSession({ backend }, async (_req, { session }) => {
    (await session.load()).set("n", 1);
    return Response.redirect("http://app.test/next", 302);
  });

  test("a redirect (immutable headers) still gets its cookie", async () => {
    const response = await counting(request());
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), "http://app.test/next");
    assert.match(response.headers.get("set-cookie")!, COOKIE);
  });

  test("a proxied fetch() response keeps its body and headers and gets the cookie", async () => {
    const handler = withSession({ backend }, async (_req, { session }) => {
      (await session.load()).set("n", 1);
      return await fetch("data:text/plain;charset=utf-8,proxied");
    });
    const response = await handler(request());
    assert.equal(await response.text(), "proxied");
    assert.equal(response.headers.get("content-type"), "text/plain;charset=utf-8");
    assert.match(response.headers.get("set-cookie")!, COOKIE);
  });

  test("Vary is extended and other cookies survive; the handler's own session cookie is replaced", async () => {
    const handler = withSession({ backend }, async (_req, { session }) => {
      (await session.load()).set("n", 1);
      const headers = new Headers({ vary: "Accept-Encoding" });
      headers.append("set-cookie", "theme=dark; Path=/");
      headers.append("set-cookie", "sessionid=forged; Path=/");
      return new Response("x", { headers });
    });
    const response = await handler(request());
    assert.equal(response.headers.get("vary"), "Accept-Encoding, Cookie");
    const cookies = response.headers.getSetCookie();
    assert.equal(cookies.length, 2);
    assert.equal(cookies[0], "theme=dark; Path=/");
    assert.match(cookies[1], COOKIE);
  });

  test("garbage cookies give an empty session, and reading it deletes the cookie", async () => {
    const handler = withSession({ backend }, async (_req, { session }) => {
      await session.load();
      return new Response(String(session.get("n") ?? "none"));
    });
    const response = await handler(request('sessionid="\\"; sessionid=x\'--; ;;=;'));
    assert.equal(await response.text(), "none");
    assert.equal(response.headers.get("set-cookie"), DELETED);
  });

  test("extra server arguments (Deno's info, Bun's server) reach the handler", async () => {
    const handler = withSession(
      { backend },
      (_req, _ctx, info: { remoteAddr: string }) => new Response(info.remoteAddr),
    );
    assert.equal(await (await handler(request(), { remoteAddr: "127.0.0.9" })).text(), "127.0.0.9");
  });

  test("a database that is down answers 503 with Retry-After (StoreUnavailable)", async () => {
    const { default: postgres } = await import("postgres");
    const down = postgres("postgres://postgres@127.0.0.1:1/test", { max: 1, connect_timeout: 2 });
    const handler = withSession(
      { backend: new PostgresBackend(down, { SECRET_KEY }) },
      async (_req, { session }) => {
        await session.load();
        return new Response("unreachable");
      },
    );
    const key = "a".repeat(32);
    const response = await handler(request(`sessionid=${key}`));
    assert.equal(response.status, 503);
    assert.equal(response.headers.get("retry-after"), "5");
    assert.equal(response.headers.get("set-cookie"), null);
    await assert.rejects(
      new PostgresBackend(down, { SECRET_KEY }).getSession(key).load(),
      StoreUnavailable,
    );
    await down.end();
  });
});
