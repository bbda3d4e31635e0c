// Fastify + the djangoSession plugin (request.session, request.user()):
// `node --import tsx examples/fastify_server.ts` (FASTIFY_PORT, default 8005).
import Fastify, { type FastifyRequest } from "fastify";
import type { SessionData } from "../mod.ts";
import type { DjangoUser } from "../src/auth/mod.ts";
import { djangoSession, type DjangoSessionRequest } from "../src/adapters/fastify.ts";
import { openBackend } from "./_backend.ts";
import { HOST, SERVERS } from "./_config.ts";
import { countVisit, loggedOut, loginPage } from "./_page.ts";

// The app declares the plugin's request fields once, with its own session and user types.
declare module "fastify" {
  interface FastifyRequest extends DjangoSessionRequest<SessionData, DjangoUser> {}
}

/** The login form's POST as the fetch `Request` the shared page reads. */
const asRequest = (request: FastifyRequest) =>
  new Request(`http://${HOST}${request.url}`, {
    method: request.method,
    headers: { "content-type": String(request.headers["content-type"] ?? "") },
    body: request.method === "POST" ? String(request.body) : undefined,
  });

const { backend, users, user } = await openBackend();
const app = Fastify();
app.addContentTypeParser(
  "application/x-www-form-urlencoded",
  { parseAs: "string" },
  (_request, body, done) => done(null, body),
);
await app.register(djangoSession, { backend, user });
app.get(
  "/",
  async (request) => countVisit("fastify", await request.session.load(), await request.user()),
);
app.route({
  method: ["GET", "POST"],
  url: "/login",
  handler: (request) => loginPage(asRequest(request), request.session, users),
});
app.route({
  method: ["GET", "POST"],
  url: "/logout",
  handler: async (request) => (await request.session.flush(), loggedOut()),
});

await app.listen({ host: HOST, port: SERVERS.fastify });
console.log(`fastify: http://${HOST}:${SERVERS.fastify}/`);
