// SvelteKit + djangoSession (`event.locals.session`): the app in examples/sveltekit/, built by
// adapter-node (`cd examples/sveltekit && npx vite build`), its handler served by node:http:
// `node --import tsx examples/sveltekit_server.ts` (SVELTEKIT_PORT, default 8011).
// examples/_launch.ts builds it first when there is no build yet.
import { createServer } from "node:http";
import { HOST, SERVERS } from "./_config.ts";

// adapter-node takes the scheme and host from ORIGIN (else it assumes https): this server is
// plain http on HOST, and SvelteKit's and Django's CSRF checks compare the Origin header with it.
process.env.ORIGIN ??= `http://${HOST}:${SERVERS.sveltekit}`;
// The build's output, as a URL: it exists once `vite build` has run; it reads ORIGIN on import.
const built = new URL("./sveltekit/build/handler.js", import.meta.url).href;
const { handler } = await import(built);

createServer(handler).listen(
  SERVERS.sveltekit,
  HOST,
  () => console.log(`sveltekit: http://${HOST}:${SERVERS.sveltekit}/`),
);
