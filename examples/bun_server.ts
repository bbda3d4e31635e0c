// Bun.serve + withSession: `bun examples/bun_server.ts` (BUN_PORT, default 8002). Bun passes its
// `server` as the second argument; withSession hands it on after the session context.
import { withSession } from "../mod.ts";
import { openBackend } from "./_backend.ts";
import { HOST, SERVERS } from "./_config.ts";
import { counterHandler } from "./_page.ts";

/** The part of Bun's API this example uses (Bun's own types are not installed here). */
interface BunServer {
  requestIP(request: Request): { address: string } | null;
}
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (request: Request, server: BunServer) => Promise<Response>;
  }): unknown;
};

const { backend, users, user } = await openBackend();
const count = counterHandler("bun", users);
Bun.serve({
  hostname: HOST,
  port: SERVERS.bun,
  fetch: withSession(
    (request, context, server: BunServer) => {
      if (new URL(request.url).pathname === "/ip") {
        return new Response(server.requestIP(request)?.address ?? "unknown");
      }
      return count(request, context);
    },
    { backend, user },
  ),
});
console.log(`bun: http://${HOST}:${SERVERS.bun}/`);
