// POST /logout: a route handler behind Django's CSRF check; flushing deletes the row and the cookie.
import { loggedOut } from "../../../_page.ts";
import { route } from "../../lib/django.ts";

export const POST = route(async (_request, { session }) => {
  await session.flush();
  return loggedOut();
});
