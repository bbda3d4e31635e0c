// h3 v2 + djangoSession (`django.context(event)`), served by h3's own `serve` (srvx):
// `node --import tsx examples/h3_server.ts` (H3_PORT, default 8009). The same app runs on Deno and
// Bun; under h3 v1 (Nitro 2, Nuxt 3/4) the middleware is the same `app.use(django)`.
import { H3, serve } from "h3";
import { djangoSession } from "../src/adapters/h3.ts";
import { openBackend } from "./_backend.ts";
import { HOST, SERVERS } from "./_config.ts";
import { countVisit, loggedOut, loginPage } from "./_page.ts";

const { backend, users, user } = await openBackend();
const django = djangoSession({ backend, user });
const app = new H3().use(django);
app.get("/", async (event) => {
  const { session, user, csrfToken } = django.context(event);
  return countVisit("h3", await session.load(), await user(), csrfToken);
});
app.all("/login", (event) => {
  const { session, csrfToken } = django.context(event);
  return loginPage(event.req, session, users, csrfToken);
});
app.post("/logout", async (event) => {
  await django.context(event).session.flush();
  return loggedOut();
});

serve(app, { hostname: HOST, port: SERVERS.h3, silent: true });
console.log(`h3: http://${HOST}:${SERVERS.h3}/`);
