// Fastify + the djangoSession plugin (request.session, request.user(), request.csrfToken()):
// `node --import tsx examples/fastify_server.ts` (FASTIFY_PORT, default 8005). @fastify/formbody
// parses the forms, so the plugin reads their csrfmiddlewaretoken before the handler runs.
import Fastify, { type FastifyRequest } from "fastify";
import formbody from "@fastify/formbody";
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

/** The login form's POST (parsed by @fastify/formbody) as the fetch `Request` the page reads. */
const asRequest = (request: FastifyRequest) =>
  new Request(`http://${HOST}${request.url}`, {
    method: request.method,
    body: request.method === "POST"
      ? new URLSearchParams(request.body as Record<string, string>)
      : undefined,
  });

const { backend, users, user } = await openBackend();
const app = Fastify();
await app.register(formbody);
await app.register(djangoSession, { backend, user });
app.get("/", async (request) =>
  countVisit(
    "fastify",
    await request.session.load(),
    await request.user(),
    request.csrfToken,
  ));
app.route({
  method: ["GET", "POST"],
  url: "/login",
  handler: (request) => loginPage(asRequest(request), request.session, users, request.csrfToken),
});
app.post("/logout", async (request) => (await request.session.flush(), loggedOut()));

await app.listen({ host: HOST, port: SERVERS.fastify });
console.log(`fastify: http://${HOST}:${SERVERS.fastify}/`);
