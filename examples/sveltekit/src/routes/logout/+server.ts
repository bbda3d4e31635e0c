// "/logout" (POST, CSRF-checked): flushes the session, which deletes the row and the cookie.
import { loggedOut } from "../../../../_page.ts";
import type { RequestHandler } from "./$types";

export const POST: RequestHandler = async ({ locals }) => {
  await locals.session.flush();
  return loggedOut();
};
