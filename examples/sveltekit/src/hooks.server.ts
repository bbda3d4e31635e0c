import type { Handle } from "@sveltejs/kit";
import { sequence } from "@sveltejs/kit/hooks";
import { loginRequired } from "../../../src/adapters/sveltekit.ts";
import { django } from "$lib/server/django";

/**
 * Django's `login_required` for /account, as a hook after djangoSession (so `event.locals` is
 * set): an anonymous visitor is redirected to /login?next=/account. Load functions, actions and
 * endpoints call `loginRequired(event)` themselves (src/routes/api/me/+server.ts).
 */
const accountLogin: Handle = async ({ event, resolve }) => {
  if (event.url.pathname === "/account") await loginRequired(event, { loginUrl: "/login" });
  return resolve(event);
};

export const handle = sequence(django, accountLogin);
