// The example's SvelteKit config: adapter-node, whose `handler` examples/sveltekit_server.ts serves.
// The database drivers stay out of the server bundle (package.json "dependencies"): Node loads them
// from the repository's node_modules.
import adapter from "@sveltejs/adapter-node";

/** @type {import("@sveltejs/kit").Config} */
export default {
  kit: {
    adapter: adapter({ precompress: false }),
    // SvelteKit refuses cross-origin form posts before any hook runs; Django's CsrfViewMiddleware
    // (in djangoSession) then checks every unsafe request, tokens included. Origins Django trusts
    // (CSRF_TRUSTED_ORIGINS) belong here too, or SvelteKit refuses them first.
    csrf: { trustedOrigins: [] },
  },
};
