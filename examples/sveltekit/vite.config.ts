import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [sveltekit()],
  logLevel: "warn",
  // The repository's node_modules hoists cookie 2 (a dev dependency of the module's own tests)
  // and nests SvelteKit's cookie 0.6 under it: bundled, SvelteKit's import finds its own. An app
  // with a node_modules of its own needs no `ssr` here.
  ssr: { noExternal: ["cookie"] },
});
