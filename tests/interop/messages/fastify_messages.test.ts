/**
 * `request.messages` in the Fastify plugin, through Fastify 5 listening on a port, with real
 * Django 3.2/4.2/5.2/6.1 on the other side of a browser's cookies, for each of Django's message
 * storages (tests/interop/messages/_both_ways.ts).
 */
import Fastify from "fastify";
import { djangoSession } from "../../../src/adapters/fastify.ts";
import type { RequestMessages } from "../../../src/messages/mod.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { messagesBothWays } from "./_both_ways.ts";
import { addTwo, listed } from "./_cycle.ts";

const messagesOf = (request: { getDecorator<T>(name: string): T }) =>
  request.getDecorator<RequestMessages>("messages");

messagesBothWays("fastify", async (settings) => {
  const app = Fastify();
  await app.register(djangoSession, { backend: new SignedCookieBackend(settings) });
  app.get("/", (request) => listed(messagesOf(request)));
  // About messages: CSRF has its own tests (tests/interop/csrf/fastify_reasons.test.ts).
  app.post("/", { config: { csrfExempt: true } }, (request) => {
    addTwo(messagesOf(request), "fastify");
    return "added";
  });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    send: (method, cookie) => fetch(url, { method, headers: { cookie } }),
    close: () => app.close(),
  };
});
