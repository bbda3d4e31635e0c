// Elysia + djangoSession (`session`, `user`, `csrfToken` and `messages` in the handler's context),
// on Elysia's own server: `bun examples/elysia_server.ts` (ELYSIA_PORT, default 8005). The forms
// carry Django's CSRF token; the plugin checks each POST before Elysia parses its body.
import { Elysia } from "elysia";
import { djangoSession } from "../src/adapters/elysia.ts";
import { openBackend } from "./_backend.ts";
import { HOST, SERVERS } from "./_config.ts";
import { countVisit, loggedOut, loginPage } from "./_page.ts";

const { backend, users, user } = await openBackend();
new Elysia()
  .use(djangoSession({ backend, user }))
  .get(
    "/",
    async ({ session, user, csrfToken }) =>
      countVisit("elysia", await session.load(), await user(), csrfToken),
  )
  .get("/login", ({ request, session, csrfToken }) => loginPage(request, session, users, csrfToken))
  .post(
    "/login",
    ({ request, session, csrfToken }) => loginPage(request, session, users, csrfToken),
    { parse: "none" },
  )
  .post("/logout", async ({ session }) => {
    await session.flush();
    return loggedOut();
  })
  .listen({ hostname: HOST, port: SERVERS.elysia }, () => {
    console.log(`elysia: http://${HOST}:${SERVERS.elysia}/`);
  });
