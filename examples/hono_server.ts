// Hono + djangoSession (c.var.session), served on Node by @hono/node-server:
// `node --import tsx examples/hono_server.ts` (HONO_PORT, default 8004). The same app runs on Deno
// (`Deno.serve(app.fetch)`) and Bun (`export default app`).
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { SessionData } from "../mod.ts";
import type { DjangoUser } from "../src/auth/mod.ts";
import { djangoSession, type SessionEnv } from "../src/adapters/hono.ts";
import { openBackend } from "./_backend.ts";
import { HOST, SERVERS } from "./_config.ts";
import { countVisit, loggedOut, loginPage } from "./_page.ts";

const { backend, users, user } = await openBackend();
const app = new Hono<SessionEnv<SessionData, DjangoUser>>();
app.use(djangoSession({ backend, user }));
app.get("/", async (c) => countVisit("hono", await c.var.session.load(), await c.var.user()));
app.on(["GET", "POST"], "/login", (c) => loginPage(c.req.raw, c.var.session, users));
app.get("/logout", async (c) => {
  await c.var.session.flush();
  return loggedOut();
});

serve(
  { hostname: HOST, port: SERVERS.hono, fetch: app.fetch },
  () => console.log(`hono: http://${HOST}:${SERVERS.hono}/`),
);
