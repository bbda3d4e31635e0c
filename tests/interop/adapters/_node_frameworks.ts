/**
 * The interop cases of the Node framework adapters (Fastify, Koa), run by each framework's test
 * file through the real framework listening on a port: real Django 3.2/4.2/5.2 on the same
 * PostgreSQL schema and SQLite file. Each file mounts the same pages (`pages()`), written once
 * here as framework-neutral answers, and provides `serve()`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { getUser } from "../../../src/auth/get_user.ts";
import { logout } from "../../../src/auth/login.ts";
import { postgresUsers, sqliteUsers, type UserSource } from "../../../src/auth/user_sources.ts";
import { sessionCookie } from "../../../src/http/commit.ts";
import type { SessionBackend } from "../../../src/session/backend.ts";
import type { Session } from "../../../src/session/session.ts";
import { djangoSettings, type DjangoSettingsInput } from "../../../src/settings/settings.ts";
import { PostgresBackend } from "../../../src/stores/postgres.ts";
import { SqliteBackend } from "../../../src/stores/sqlite.ts";
import { freePort } from "../../../examples/_launch.ts";
import {
  closeDjangos,
  django,
  DJANGO_AUTH,
  DJANGO_DB_CREATE,
  DJANGO_DB_LOAD,
  DJANGO_VERSIONS,
  sqliteDatabase,
} from "../../_django.ts";
import { postgresSchema, SECRET_KEY } from "../../_postgres.ts";
import { openSqlite, tempDirectory } from "../../_sqlite.ts";
import { CASES, DJANGO_MIDDLEWARE, type MiddlewareAnswer, OPS } from "./_commit_cases.ts";

/** What a page answers, for each framework to turn into its own reply. */
export interface Page {
  status?: number;
  json?: unknown;
  vary?: string;
  redirect?: string;
  /** Chunks sent as a Node stream (`reply.send(stream)`, `ctx.body = stream`). */
  stream?: string[];
  /** Throw instead of answering: an error whose `status`/`statusCode` is `status`. */
  fail?: true;
}

/** A page: the request's session, user and query in, an answer out. */
export type PageHandler = (
  session: Session,
  user: () => Promise<unknown>,
  query: URLSearchParams,
) => Promise<Page>;

/** The error a page with `fail` throws, with the status both frameworks read. */
export function pageError(page: Page): Error {
  return Object.assign(new Error("handler failed"), {
    status: page.status,
    statusCode: page.status,
    expose: true,
  });
}

/** Starts the framework with the adapter and every page on a free port. */
export type Serve = (
  backend: SessionBackend,
  user: (session: Session) => Promise<unknown>,
  pages: Record<string, PageHandler>,
  port: number,
) => Promise<{ close(): Promise<void> }>;

/** Runs between a page's load and its save: the test's chance to delete the row (Django logs out). */
let meanwhile = (_key: string): Promise<void> => Promise.resolve();

const PAGES: Record<string, PageHandler> = {
  "/count": async (session) => {
    await session.load();
    const fw = Number(session.get("fw") ?? 0) + 1;
    session.set("fw", fw);
    return { json: { django: session.get("django") ?? null, fw }, vary: "Accept-Encoding" };
  },
  "/static": () => Promise.resolve({ json: { static: true } }),
  "/me": async (_session, user) => ({
    json: { user: ((await user()) as { username: string } | null)?.username ?? null },
  }),
  "/logout": async (session) => (await logout(session), { redirect: "/" }),
  "/stream": async (session) => {
    (await session.load()).set("streamed", true);
    return { stream: ["a", "b", "c"] };
  },
  // A 4xx error: what the status alone would let through, so only "it threw" stops the save.
  "/fail": async (session) => ((await session.load()).set("fw", -1), { fail: true, status: 418 }),
  "/5xx": async (session) => ((await session.load()).set("fw", -1), { status: 503, json: "no" }),
  "/interrupt": async (session) => {
    await session.load();
    await meanwhile(session.key!);
    session.set("fw", 1);
    return { json: "saved?" };
  },
  "/case": async (session, _user, query) => {
    for (const op of query.getAll("op")) await OPS[op](session);
    const vary = query.get("vary") ?? undefined;
    return { status: Number(query.get("status")), json: "case", vary };
  },
};

/** The database a suite runs on: Django's settings for it, and our backend and users on it. */
interface Store {
  django: Record<string, unknown>;
  backend(settings: DjangoSettingsInput): SessionBackend;
  users: UserSource;
  close(): Promise<void>;
}

async function postgresStore(label: string): Promise<Store> {
  const schema = await postgresSchema(label);
  const sql = schema.client();
  return {
    django: schema.django,
    backend: (settings) => new PostgresBackend(sql, settings),
    users: postgresUsers(sql),
    close: () => schema.drop(),
  };
}

async function sqliteStore(label: string): Promise<Store> {
  const dir = tempDirectory(label);
  const file = dir.path("db.sqlite3");
  const db = await openSqlite(file);
  return {
    django: { SECRET_KEY, DATABASES: { default: sqliteDatabase(file) } },
    backend: (settings) => new SqliteBackend(db, settings),
    users: sqliteUsers(db),
    close: () => Promise.resolve().then(() => (db.close(), dir.remove())),
  };
}

const MIGRATE = `
from django.core.management import call_command
call_command("migrate", verbosity=0)
`;

/**
 * Registers every case for one framework.
 *
 * @param framework its name in the test titles
 * @param serve starts it with the adapter and the pages
 */
export function nodeFrameworkCases(framework: string, serve: Serve): void {
  after(closeDjangos);
  for (
    const [storeName, open] of [["PostgreSQL", postgresStore], ["SQLite", sqliteStore]] as const
  ) {
    let store: Store;
    before(async () => {
      store = await open(`${framework}_${storeName}`.toLowerCase());
      await django("5.2", store.django).run(MIGRATE);
    });
    after(() => store.close());
    for (const version of DJANGO_VERSIONS) {
      versionCases(framework, serve, storeName, () => store, version);
    }
  }
}

function versionCases(
  framework: string,
  serve: Serve,
  storeName: string,
  store: () => Store,
  version: (typeof DJANGO_VERSIONS)[number],
): void {
  describe(`${framework} with Django ${version} on one ${storeName} database`, () => {
    let url = "";
    let stop: () => Promise<void>;
    const dj = () => django(version, store().django);
    const start = async (settings: Partial<DjangoSettingsInput> = {}, users = store().users) => {
      const backend = store().backend({ SECRET_KEY, djangoVersion: version, ...settings });
      const port = await freePort();
      const server = await serve(backend, (s) => getUser(s, users), PAGES, port);
      return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
    };
    const get = (path: string, key?: string | null, method = "GET") =>
      fetch(url + path, {
        method,
        redirect: "manual",
        headers: key ? { cookie: `sessionid=${key}` } : {},
      });
    const djangoLoads = async (key: string) => (await dj().run<[object]>(DJANGO_DB_LOAD, key))[0];
    const keyOf = (response: Response) =>
      /^sessionid=([a-z0-9]{32});/.exec(response.headers.get("set-cookie") ?? "")?.[1];
    before(async () => ({ url, close: stop } = await start()));
    after(() => stop());

    test("the adapter reads Django's session and writes back what Django reads", async () => {
      const key = await dj().run<string>(DJANGO_DB_CREATE, { django: 3 });
      const response = await get("/count", key);
      assert.deepEqual(await response.json(), { django: 3, fw: 1 });
      assert.equal(keyOf(response), key);
      assert.equal(response.headers.get("vary"), "Accept-Encoding, Cookie");
      assert.deepEqual(await djangoLoads(key), { django: 3, fw: 1 });
    });

    test("a route that never touches the session sends no cookie and no Vary", async () => {
      const response = await get("/static", await dj().run<string>(DJANGO_DB_CREATE, { a: 1 }));
      assert.deepEqual(await response.json(), { static: true });
      assert.equal(response.headers.get("set-cookie"), null);
      assert.equal(response.headers.get("vary"), null);
    });

    test("Django logs in → the adapter sees the user; Django logs out → anonymous", async () => {
      const username = `${framework}-${version}-${crypto.randomUUID().slice(0, 6)}`;
      const { key } = await dj().run<{ key: string }>(DJANGO_AUTH, {
        do: "login",
        key: null,
        username,
      });
      assert.deepEqual(await (await get("/me", key)).json(), { user: username });
      await dj().run(DJANGO_AUTH, { do: "logout", key });
      assert.deepEqual(await (await get("/me", key)).json(), { user: null });
    });

    test("the adapter logs out (redirect) → Django sees no user, the cookie is deleted", async () => {
      const username = `${framework}-out-${crypto.randomUUID().slice(0, 6)}`;
      const { key } = await dj().run<{ key: string }>(DJANGO_AUTH, {
        do: "login",
        key: null,
        username,
      });
      const response = await get("/logout", key, "POST");
      assert.equal(response.status, 302);
      assert.equal(response.headers.get("location"), "/");
      assert.match(response.headers.get("set-cookie")!, /^sessionid=""; expires=Thu, 01 Jan 1970/);
      assert.deepEqual(await dj().run(DJANGO_AUTH, { do: "get", key }), { key: null, user: null });
      assert.deepEqual(await (await get("/me", key)).json(), { user: null });
    });

    test("a streamed response is saved and carries the cookie", async () => {
      const response = await get("/stream");
      assert.equal(await response.text(), "abc");
      assert.deepEqual(await djangoLoads(keyOf(response)!), { streamed: true });
    });

    test("a handler that throws saves nothing and sends no cookie", async () => {
      const key = await dj().run<string>(DJANGO_DB_CREATE, { fw: 5 });
      const response = await get("/fail", key);
      assert.equal(response.status, 418);
      assert.equal(response.headers.get("set-cookie"), null);
      assert.deepEqual(await djangoLoads(key), { fw: 5 });
    });

    test("a 5xx answer saves nothing", async () => {
      const key = await dj().run<string>(DJANGO_DB_CREATE, { fw: 5 });
      const response = await get("/5xx", key);
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("set-cookie"), null);
      assert.deepEqual(await djangoLoads(key), { fw: 5 });
    });

    test("a session Django deleted meanwhile (SessionInterrupted) is answered 400", async () => {
      const key = await dj().run<string>(DJANGO_DB_CREATE, { fw: 5 });
      meanwhile = (k) =>
        dj().run(
          `SessionStore = __import__("django.contrib.sessions.backends.db",
    fromlist=["SessionStore"]).SessionStore
SessionStore(args).delete()`,
          k,
        );
      const response = await get("/interrupt", key).finally(() =>
        meanwhile = () => Promise.resolve()
      );
      assert.equal(response.status, 400);
      assert.equal(await response.text(), "Bad Request");
      assert.equal(response.headers.get("set-cookie"), null);
      assert.deepEqual(await djangoLoads(key), {});
    });

    test("a store that is down is answered 503 with Retry-After", async () => {
      const port = await freePort(); // nobody listens: the connection is refused
      const sql = postgres(`postgres://postgres@127.0.0.1:${port}/test`, { max: 1 });
      const down = await serveOn(new PostgresBackend(sql, { SECRET_KEY }));
      try {
        const response = await fetch(`${down.url}/count`, { headers: { cookie: "sessionid=x" } });
        assert.equal(response.status, 503);
        assert.equal(response.headers.get("retry-after"), "5");
        assert.equal(await response.text(), "Service Unavailable");
      } finally {
        await down.close();
        await sql.end();
      }
    });

    const serveOn = async (backend: SessionBackend) => {
      const port = await freePort();
      const server = await serve(backend, () => Promise.resolve(null), PAGES, port);
      return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
    };

    for (const c of CASES) {
      test(`Set-Cookie and Vary as Django's SessionMiddleware: ${c.name}`, async () => {
        const server = await start(c.settings);
        try {
          const seed = await dj().run<string>(DJANGO_DB_CREATE, { seed: 1 });
          const query = new URLSearchParams([...c.ops.map((op) => ["op", op]), [
            "status",
            String(c.status ?? 200),
          ], ...(c.vary ? [["vary", c.vary]] : [])]);
          const cookie = c.cookie.replace("{existing}", seed);
          const response = await fetch(`${server.url}/case?${query}`, {
            headers: cookie ? { cookie } : {},
          });
          const ours = {
            setCookie: response.headers.getSetCookie(),
            vary: response.headers.get("vary"),
          };
          // Django's clock set to ours: the second our cookie's `expires` was computed in.
          const expires = /expires=([^;]+)/.exec(ours.setCookie[0] ?? "")?.[1];
          const age = Number(/Max-Age=(\d+)/.exec(ours.setCookie[0] ?? "")?.[1] ?? 0);
          const now = expires ? Date.parse(expires) / 1000 - age : 1800000000;
          const django = await dj().run<MiddlewareAnswer>(DJANGO_MIDDLEWARE, {
            now,
            case: { ...c, cookie: c.cookie, settings: c.settings ?? {}, status: c.status ?? 200 },
          });
          const theirs = { setCookie: django.setCookie, vary: django.vary };
          const anonymous = (o: typeof ours, key: string | null) => ({
            ...o,
            setCookie: o.setCookie.map((v) => key ? v.replace(key, "KEY") : v),
          });
          const ourKey = keyOf(response) ?? /=([a-z0-9]{32});/.exec(ours.setCookie[0] ?? "")?.[1];
          const saved = sessionCookie("KEY", 1209600, now, djangoSettings({ SECRET_KEY }));
          const expected = c.older?.[version]?.(anonymous(ours, ourKey ?? null), saved) ??
            anonymous(ours, ourKey ?? null);
          assert.deepEqual(anonymous(theirs, django.key), expected);
        } finally {
          await server.close();
        }
      });
    }
  });
}
