// The Fastify plugin through Fastify 5 listening on a port, with real Django on one PostgreSQL
// schema and one SQLite file (tests/interop/adapters/_node_frameworks.ts), plus what is Fastify's
// own: encapsulation, reply.hijack() with commitHijacked.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import Fastify, { type FastifyReply } from "fastify";
import {
  commitHijacked,
  djangoSession,
  type DjangoSessionRequest,
} from "../../../src/adapters/fastify.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { nodeFrameworkCases, type Page, pageError } from "./_node_frameworks.ts";

declare module "fastify" {
  interface FastifyRequest extends DjangoSessionRequest {}
}

function answer(reply: FastifyReply, page: Page) {
  if (page.fail) throw pageError(page);
  if (page.vary) reply.header("vary", page.vary);
  if (page.redirect) return reply.redirect(page.redirect);
  reply.code(page.status ?? 200);
  return reply.send(page.stream ? Readable.from(page.stream) : page.json);
}

nodeFrameworkCases("Fastify", async (backend, user, pages, port) => {
  const app = Fastify();
  await app.register(djangoSession, { backend, user });
  for (const [path, page] of Object.entries(pages)) {
    app.route({
      method: ["GET", "POST"],
      url: path,
      // These pages test the session's commit (POST /logout has no token); CSRF has its own
      // tests (tests/interop/csrf/fastify_reasons.test.ts).
      config: { csrfExempt: true },
      handler: async (request, reply) =>
        answer(
          reply,
          await page(request.session, request.user, new URL(request.url, "http://x").searchParams),
        ),
    });
  }
  await app.listen({ port, host: "127.0.0.1" });
  return { close: () => app.close() };
});

const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-fastify" });
let url = "";
const app = Fastify();
before(async () => {
  await app.register(async (scoped) => {
    await scoped.register(djangoSession, { backend });
    scoped.get("/in", async (request) => ((await request.session.load()).set("in", 1), "in"));
    scoped.get("/hijack", async (request, reply) => {
      reply.hijack();
      (await request.session.load()).set("hijacked", true);
      await commitHijacked(request, reply, 200);
      reply.raw.writeHead(200, { "content-type": "text/plain" });
      reply.raw.end("raw");
    });
  });
  app.get("/out", (request) => String(request.session));
  url = await app.listen({ port: 0, host: "127.0.0.1" });
});
after(() => app.close());

test("Fastify: registered in one scope, sibling routes get no session", async () => {
  const inside = await fetch(`${url}/in`);
  assert.match(inside.headers.get("set-cookie")!, /^sessionid=/);
  const outside = await fetch(`${url}/out`);
  assert.equal(await outside.text(), "undefined");
  assert.equal(outside.headers.get("set-cookie"), null);
});

test("Fastify: a hijacked reply is committed by commitHijacked", async () => {
  const response = await fetch(`${url}/hijack`);
  assert.equal(await response.text(), "raw");
  const cookie = response.headers.get("set-cookie")!.split(";")[0];
  assert.equal(response.headers.get("vary"), "Cookie");
  const session = await backend.getSession(cookie.split("=")[1]).load();
  assert.equal(session.get("hijacked"), true);
});
