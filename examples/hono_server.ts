// Hono + djangoSession (c.var.session), served on Node by @hono/node-server:
// `node --import tsx examples/hono_server.ts` (HONO_PORT, default 8004). The same app runs on Deno
// (`Deno.serve(app.fetch)`) and Bun (`export default app`).
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { djangoSession, type SessionEnv } from "../src/http/hono.ts";
import { openBackend } from "./_backend.ts";
import { HOST, SERVERS } from "./_config.ts";
import { countVisit, loggedOut } from "./_page.ts";

const app = new Hono<SessionEnv>();
app.use(djangoSession({ backend: await openBackend() }));
app.get("/", async (c) => countVisit("hono", await c.var.session.load()));
app.get("/logout", async (c) => {
  await c.var.session.flush();
  return loggedOut();
});

serve(
  { hostname: HOST, port: SERVERS.hono, fetch: app.fetch },
  () => console.log(`hono: http://${HOST}:${SERVERS.hono}/`),
);
