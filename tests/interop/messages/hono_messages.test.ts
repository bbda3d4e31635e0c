/**
 * `c.var.messages` in the Hono middleware, through `app.request`, with real Django 3.2/4.2/5.2/6.1
 * on the other side of a browser's cookies, for each of Django's message storages (`_both_ways.ts`).
 */
import { Hono } from "hono";
import { csrfExempt, djangoSession, type SessionEnv } from "../../../src/adapters/hono.ts";
import { describeMessagesBothWays } from "./_both_ways.ts";

describeMessagesBothWays("Hono", "hono", (backend) => {
  const app = new Hono<SessionEnv>().use(djangoSession({ backend }));
  app.get("/", async (c) => {
    const messages = await c.var.messages.list();
    return c.json(messages.map((m) => [m.level, m.message, m.extraTags, m.tags, m.safe]));
  });
  // About messages: CSRF has its own tests (tests/interop/csrf/).
  app.post("/", csrfExempt, (c) => {
    c.var.messages.success("Saved from Hono", { extraTags: "hono" });
    c.var.messages.error("<i>bold</i>", { safe: true });
    return c.text("added");
  });
  return Promise.resolve({
    request: async (method, cookie) =>
      await app.request("http://testserver/", { method, headers: { cookie } }),
    close: () => Promise.resolve(),
  });
});
