// Node + withSession through @hono/node-server's `serve({ fetch })`, which turns Node's
// IncomingMessage into a Request and writes the Response back:
// `node --import tsx examples/node_server.ts` (NODE_PORT, default 8003).
import { serve } from "@hono/node-server";
import { withSession } from "../mod.ts";
import { openBackend } from "./_backend.ts";
import { HOST, SERVERS } from "./_config.ts";
import { counterHandler } from "./_page.ts";

const { backend, users, user } = await openBackend();
serve({
  hostname: HOST,
  port: SERVERS.node,
  fetch: withSession(counterHandler("node", users), { backend, user }),
}, () => console.log(`node: http://${HOST}:${SERVERS.node}/`));
