/**
 * `ctx.messages` in the Koa middleware, through Koa listening on a port, with real Django
 * 3.2/4.2/5.2/6.1 on the other side of a browser's cookies, for each of Django's message storages
 * (tests/interop/messages/_both_ways.ts).
 */
import type { Server } from "node:http";
import Koa from "koa";
import { djangoSession } from "../../../src/adapters/koa.ts";
import { messagesBothWays } from "./_both_ways.ts";
import { addTwo, listed } from "./_cycle.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";

messagesBothWays("koa", async (settings) => {
  const backend = new SignedCookieBackend(settings);
  const app = new Koa().use(djangoSession({ backend, csrfExempt: (ctx) => ctx.method === "POST" }))
    .use(async (ctx) => {
      if (ctx.method === "POST") return void (addTwo(ctx.messages, "koa"), ctx.body = "added");
      ctx.body = await listed(ctx.messages);
    });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as { port: number };
  return {
    send: (method, cookie) => fetch(`http://127.0.0.1:${port}/`, { method, headers: { cookie } }),
    close: () => new Promise((done) => (server.close(() => done()), server.closeAllConnections())),
  };
});
