// Elysia + djangoSession (`session` and `user` in the handler's context), on Elysia's own server:
// `bun examples/elysia_server.ts` (ELYSIA_PORT, default 8005).
import { Elysia } from "elysia";
import { djangoSession } from "../src/adapters/elysia.ts";
import { openBackend } from "./_backend.ts";
import { HOST, SERVERS } from "./_config.ts";
import { countVisit, loggedOut, loginPage } from "./_page.ts";

const { backend, users, user } = await openBackend();
new Elysia()
  .use(djangoSession({ backend, user }))
  .get("/", async ({ session, user }) => countVisit("elysia", await session.load(), await user()))
  .get("/login", ({ request, session }) => loginPage(request, session, users))
  .post("/login", ({ request, session }) => loginPage(request, session, users), { parse: "none" })
  .get("/logout", async ({ session }) => {
    await session.flush();
    return loggedOut();
  })
  .listen({ hostname: HOST, port: SERVERS.elysia }, () => {
    console.log(`elysia: http://${HOST}:${SERVERS.elysia}/`);
  });
