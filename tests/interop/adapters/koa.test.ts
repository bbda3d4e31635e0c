// The Koa middleware through Koa 3 listening on a port, with real Django on one PostgreSQL schema
// and one SQLite file (tests/interop/adapters/_node_frameworks.ts), plus what is Koa's own:
// `ctx.respond = false` is left alone.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { Readable } from "node:stream";
import Koa from "koa";
import { djangoSession } from "../../../src/adapters/koa.ts";
import { freePort } from "../../../examples/_launch.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { nodeFrameworkCases, pageError } from "./_node_frameworks.ts";

type Listening = { close(): Promise<void> };

function listen(app: { listen: Koa["listen"] }, port: number): Promise<Listening> {
  return new Promise((resolve) => {
    const server: Server = app.listen(port, "127.0.0.1", () =>
      resolve({
        close: () =>
          new Promise((done) => (server.close(() => done()), server.closeAllConnections())),
      }));
  });
}

// The shared cases are about the session: their one POST (/logout) is exempt from CSRF, which has
// its own tests (tests/interop/csrf/koa_reasons.test.ts).
const csrfExempt = (ctx: Koa.Context) => ctx.path === "/logout";

nodeFrameworkCases("Koa", (backend, user, pages, port) => {
  const app = new Koa().use(djangoSession({ backend, user, csrfExempt })).use(async (ctx) => {
    const page = await pages[ctx.path]?.(
      ctx.session,
      ctx.state.user,
      new URLSearchParams(ctx.querystring),
    );
    if (!page) return;
    if (page.fail) throw pageError(page);
    if (page.vary) ctx.set("vary", page.vary);
    if (page.redirect) return ctx.redirect(page.redirect);
    ctx.status = page.status ?? 200;
    ctx.body = page.stream ? Readable.from(page.stream) : page.json;
  });
  app.silent = true;
  return listen(app, port);
});

const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-koa" });
let url = "";
let server: Listening;
before(async () => {
  const app = new Koa().use(djangoSession({ backend })).use(async (ctx) => {
    (await ctx.session.load()).set("raw", true);
    ctx.respond = false;
    ctx.res.writeHead(200, { "content-type": "text/plain" });
    ctx.res.end("raw");
  });
  const port = await freePort();
  server = await listen(app, port);
  url = `http://127.0.0.1:${port}`;
});
after(() => server.close());

test("Koa: a response written by hand (ctx.respond = false) is not committed", async () => {
  const response = await fetch(url);
  assert.equal(await response.text(), "raw");
  assert.equal(response.headers.get("set-cookie"), null);
});
