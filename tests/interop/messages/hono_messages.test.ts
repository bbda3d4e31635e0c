/**
 * `c.var.messages` in the Hono middleware, through `app.request`, with real Django 3.2/4.2/5.2/6.1
 * on the other side of a browser's cookies, for each of Django's message storages
 * (tests/interop/messages/_both_ways.ts).
 */
import { Hono } from "hono";
import { csrfExempt, djangoSession, type SessionEnv } from "../../../src/adapters/hono.ts";
import { messagesBothWays } from "./_both_ways.ts";
import { addTwo, listed } from "./_cycle.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";

messagesBothWays("hono", (settings) => {
  const backend = new SignedCookieBackend(settings);
  const app = new Hono<SessionEnv>().use(djangoSession({ backend }));
  app.get("/", async (c) => c.json(await listed(c.var.messages)));
  app.post("/", csrfExempt, (c) => (addTwo(c.var.messages, "hono"), c.text("added")));
  return Promise.resolve({
    send: (method, cookie) => app.request("http://testserver/", { method, headers: { cookie } }),
    close: () => Promise.resolve(),
  });
});
