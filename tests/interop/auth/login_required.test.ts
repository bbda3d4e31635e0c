/**
 * The login redirect against Django 3.2/4.2/5.2's own `login_required` (RequestFactory, every
 * case in one call): the same `Location` for paths with queries and escapes, `LOGIN_URL`s with
 * their own query, on this host, on another host, scheme-relative, another scheme, and a custom or
 * absent redirect field; the Hono guard through `app.request`; and the Express, Koa, Fastify and
 * Elysia guards through their framework listening on a port (Elysia's own server under Bun, in a
 * child process), answering Django's `Location` — Elysia's also behind a proxy (`trustProxy`).
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import Koa from "koa";
import * as expressAdapter from "../../../src/adapters/express.ts";
import * as fastifyAdapter from "../../../src/adapters/fastify.ts";
import * as koaAdapter from "../../../src/adapters/koa.ts";
import type { Session } from "../../../src/session/session.ts";
import { loginRedirectUrl } from "../../../src/auth/login_url.ts";
import { djangoSession, loginRequired, type SessionEnv } from "../../../src/adapters/hono.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { SECRET_KEY } from "../../_sqlite.ts";
import { startServer } from "../../_server.ts";
import { DJANGO_LOCATIONS, djangoLocation, type LoginCase } from "./_login_redirect.ts";

after(closeDjangos);
const slow = { timeout: 120_000 };

const CASES: LoginCase[] = [
  { path: "/orders/", login: "/accounts/login/" },
  { path: "/orders/?page=2&sort=-date", login: "/accounts/login/" },
  { path: "/caf%C3%A9/a%20b/?q=a+b&x=%E2%9C%93", login: "/accounts/login/" },
  { path: "/p/?redirect=/x&y=[1]&z=a:b@c", login: "/accounts/login/" },
  { path: "/orders/?page=2", login: "/login/?lang=fr&next=/old/&lang=de" },
  { path: "/orders/?page=2", login: "/login/?a=x+y&b=%2F&c" },
  { path: "/orders/", login: "https://sso.example.com/login/?app=shop" },
  { path: "/orders/?page=2", login: "http://testserver/accounts/login/" },
  { path: "/orders/", login: "//testserver/login/" },
  { path: "/orders/", login: "//sso.example.com/login/" },
  { path: "/orders/", login: "http://testserver/login/", secure: true },
  { path: "/orders/", login: "/login/", host: "testserver:8000" },
  { path: "/orders/", login: "http://testserver:8000/login/", host: "testserver:8000" },
  { path: "/orders/?page=2", login: "/login/", field: "redirect_to" },
  { path: "/orders/?page=2", login: "/login/?lang=fr", field: null },
  { path: "/orders/", login: "/login/#top" },
];

function ours(c: LoginCase): string {
  const url = `${c.secure ? "https" : "http"}://${c.host ?? "testserver"}${c.path}`;
  return loginRedirectUrl(
    url,
    c.login,
    c.field === undefined ? {} : { redirectFieldName: c.field },
  );
}

for (const version of DJANGO_VERSIONS) {
  describe(`login redirect with Django ${version}`, () => {
    test("Location is Django's for every case", slow, async () => {
      const expected = await django(version).run<string[]>(DJANGO_LOCATIONS, CASES);
      assert.deepEqual(CASES.map(ours), expected);
    });
  });
}

describe("Hono loginRequired", () => {
  const backend = new SignedCookieBackend({
    SECRET_KEY: "django-insecure-key",
    LOGIN_URL: "https://sso.example.com/login/",
  });
  const app = new Hono<SessionEnv>().use(djangoSession({
    backend,
    user: async (session) => (await session.load()).get("_auth_user_id") ?? null,
  }));
  app.get("/orders/", loginRequired(), (c) => c.text("orders"));
  app.get("/api/orders", loginRequired({ api: true }), (c) => c.json([]));
  app.get("/local/", loginRequired({ loginUrl: "/accounts/login/" }), (c) => c.text("local"));

  test("anonymous pages redirect as Django does, APIs get 401", async () => {
    const page = await app.request("http://shop.example/orders/?page=2");
    assert.equal(page.status, 302);
    assert.equal(
      page.headers.get("location"),
      "https://sso.example.com/login/?next=http%3A//shop.example/orders/%3Fpage%3D2",
    );
    assert.equal((await app.request("http://shop.example/api/orders")).status, 401);
    assert.equal(
      (await app.request("http://shop.example/local/")).headers.get("location"),
      "/accounts/login/?next=/local/",
    );
  });

  test("a logged-in session passes", async () => {
    const session = await backend.getSession(null).load();
    session.set("_auth_user_id", "1");
    await session.save();
    const response = await app.request("http://shop.example/orders/", {
      headers: { cookie: `sessionid=${session.key}` },
    });
    assert.equal(await response.text(), "orders");
  });
});

/** The frameworks' guards, each on `/orders/` and `/api/orders` ({ api: true }). */
const GUARDS: Record<
  string,
  (backend: SignedCookieBackend, user: (s: Session) => Promise<unknown>) => Promise<string>
> = {
  express: async (backend, user) => {
    const { djangoSession, loginRequired: guard } = expressAdapter;
    const app = express().use(djangoSession({ backend, user }));
    app.get("/orders/", guard(), (_req, res) => void res.send("orders"));
    app.get("/api/orders", guard({ api: true }), (_req, res) => void res.json([]));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    servers.push(() => new Promise((done) => server.close(() => done())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  },
  koa: async (backend, user) => {
    const { djangoSession, loginRequired: guard } = koaAdapter;
    const app = new Koa().use(djangoSession({ backend, user })).use(async (ctx, next) => {
      await (ctx.path.startsWith("/api/") ? guard({ api: true }) : guard())(ctx, next);
    }).use((ctx) => void (ctx.body = ctx.path === "/orders/" ? "orders" : []));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    servers.push(() => new Promise((done) => server.close(() => done())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  },
  fastify: async (backend, user) => {
    const { djangoSession, loginRequired: guard } = fastifyAdapter;
    const app = Fastify();
    await app.register(djangoSession, { backend, user });
    app.get("/orders/", { preHandler: guard() }, () => "orders");
    app.get("/api/orders", { preHandler: guard({ api: true }) }, () => []);
    await app.listen({ port: 0, host: "127.0.0.1" });
    servers.push(() => app.close());
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  },
  // tests/servers/elysia_csrf.ts: the same routes, its user loader, SECRET_KEY, trustProxy.
  elysia: async () => {
    const server = await startServer("bun", ["tests/servers/elysia_csrf.ts"], {});
    servers.push(server.close);
    return server.url;
  },
};
const servers: (() => Promise<void>)[] = [];
after(async () => await Promise.all(servers.map((close) => close())));

for (const [name, start] of Object.entries(GUARDS)) {
  describe(`${name} loginRequired, through ${name} on a port`, () => {
    const backend = new SignedCookieBackend({ SECRET_KEY });
    const user = async (session: Session) => (await session.load()).get("_auth_user_id") ?? null;
    const url = start(backend, user);
    const get = async (path: string, cookie = "", headers: Record<string, string> = {}) =>
      await fetch(`${await url}${path}`, { redirect: "manual", headers: { cookie, ...headers } });

    test("an anonymous page gets Django's redirect, an API 401", slow, async () => {
      const expected = await djangoLocation({ path: "/orders/?page=2", login: "/accounts/login/" });
      const page = await get("/orders/?page=2");
      assert.equal(page.status, 302);
      assert.equal(page.headers.get("location"), expected);
      assert.equal((await get("/api/orders")).status, 401);
    });

    test("a logged-in session reaches the route", async () => {
      const session = await backend.getSession(null).load();
      session.set("_auth_user_id", "1");
      await session.save();
      const page = await get("/orders/", `sessionid=${session.key}`);
      assert.equal(await page.text(), "orders");
    });
  });
}

describe("Elysia loginRequired behind a proxy (trustProxy), through Elysia on a port", () => {
  test(
    "next is the whole URL with the scheme X-Forwarded-Proto gave, as Django's",
    slow,
    async () => {
      const server = await startServer("bun", ["tests/servers/elysia_csrf.ts"], {});
      servers.push(server.close);
      const host = new URL(server.url).host;
      const login = "https://sso.example.com/login/";
      const expected = await django(DJANGO_VERSIONS[DJANGO_VERSIONS.length - 1]).run<string[]>(
        DJANGO_LOCATIONS,
        [false, true].map((secure) => ({ path: "/sso/?a=1", login, host, secure })),
      );
      const locations = [];
      for (const proto of ["http", "https"]) {
        const response = await fetch(`${server.url}/sso/?a=1`, {
          redirect: "manual",
          headers: { "x-forwarded-proto": proto },
        });
        assert.equal(response.status, 302);
        locations.push(response.headers.get("location"));
      }
      assert.deepEqual(locations, expected);
      assert.notEqual(expected[0], expected[1]);
    },
  );
});
