/**
 * `req.messages` (`messagesOf(req)`) in the Express middleware, through real Express on a port,
 * with real Django 3.2/4.2/5.2/6.1 on the other side of a browser's cookies, for each of Django's
 * message storages (`_both_ways.ts`).
 */
import type { AddressInfo } from "node:net";
import express from "express";
import { djangoSession, messagesOf } from "../../../src/adapters/express.ts";
import { describeMessagesBothWays } from "./_both_ways.ts";

describeMessagesBothWays("Express", "express", async (backend) => {
  // About messages: CSRF has its own tests (tests/interop/csrf/).
  const app = express().use(djangoSession({ backend, csrfExempt: () => true }));
  app.get("/", async (req, res) => {
    const messages = await messagesOf(req).list();
    res.json(messages.map((m) => [m.level, m.message, m.extraTags, m.tags, m.safe]));
  });
  app.post("/", (req, res) => {
    messagesOf(req).success("Saved from Express", { extraTags: "express" });
    messagesOf(req).error("<i>bold</i>", { safe: true });
    res.send("added");
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    request: (method, cookie) => fetch(url, { method, headers: { cookie } }),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
});
