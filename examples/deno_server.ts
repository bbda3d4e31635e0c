// Deno.serve + withSession: `deno run -A examples/deno_server.ts` (DENO_PORT, default 8001).
import { withSession } from "../mod.ts";
import { openBackend } from "./_backend.ts";
import { HOST, SERVERS } from "./_config.ts";
import { counterHandler } from "./_page.ts";

const { backend, users, user } = await openBackend();
Deno.serve(
  {
    hostname: HOST,
    port: SERVERS.deno,
    onListen: () => console.log(`deno: http://${HOST}:${SERVERS.deno}/`),
  },
  withSession(counterHandler("deno", users), { backend, user }),
);
