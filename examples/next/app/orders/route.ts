// GET /orders: a route handler only for logged-in users; others are sent to /login?next=… as
// Django's login_required sends them.
import { route } from "../../lib/django.ts";

export const GET = route(
  async (_request, { user }) => new Response(`orders of ${(await user())?.username}`),
  { loginRequired: { loginUrl: "/login" } },
);
