/**
 * A Worker on plain workerd (no `nodejs_compat`): Django's signed-cookie sessions through
 * `withSession`, with the secret from a text binding.
 */
import { withSession } from "../../src/adapters/fetch.ts";
import { SignedCookieBackend } from "../../src/stores/signed_cookies.ts";
import { view } from "./_view.ts";

interface Env {
  SECRET_KEY: string;
}

// Bindings arrive with the first request; the backend (and its checked settings) is built once.
let handler: ((request: Request) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    handler ??= withSession({
      backend: new SignedCookieBackend({ SECRET_KEY: env.SECRET_KEY }),
    }, view);
    return handler(request);
  },
};
