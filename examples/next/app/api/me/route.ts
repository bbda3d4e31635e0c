// GET /api/me: the logged-in user as JSON; anonymous requests get 401 (route()'s loginRequired).
import { route } from "../../../lib/django.ts";

export const GET = route(
  async (_request, { user }) => Response.json({ user: (await user())?.username }),
  { loginRequired: { api: true } },
);
