// GET /api/me: the logged-in user as JSON; anonymous requests get 401 (loginRequired's `api`).
import { json } from "@sveltejs/kit";
import { loginRequired } from "../../../../../../src/adapters/sveltekit.ts";
import type { RequestHandler } from "./$types";

export const GET: RequestHandler = async (event) => {
  await loginRequired(event, { api: true });
  return json({ user: (await event.locals.user())?.username });
};
