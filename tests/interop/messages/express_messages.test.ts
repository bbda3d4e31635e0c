/**
 * `req.messages` (`messagesOf(req)`) in the Express middleware, through real Express on a port,
 * with real Django 3.2/4.2/5.2/6.1 on the other side of a browser's cookies, for each of Django's
 * message storages (tests/interop/messages/_both_ways.ts).
 */
import type { AddressInfo } from "node:net";
import express from "express";
import { djangoSession, messagesOf } from "../../../src/adapters/express.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { messagesBothWays } from "./_both_ways.ts";
import { addTwo, listed } from "./_cycle.ts";

messagesBothWays("express", async (settings) => {
  const backend = new SignedCookieBackend(settings);
  // About messages: CSRF has its own tests (tests/interop/csrf/).
  const app = express().use(djangoSession({ backend, csrfExempt: () => true }));
  app.get("/", async (req, res) => void res.json(await listed(messagesOf(req))));
  app.post("/", (req, res) => void (addTwo(messagesOf(req), "express"), res.send("added")));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    send: (method, cookie) => fetch(url, { method, headers: { cookie } }),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
});
