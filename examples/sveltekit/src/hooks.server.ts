import { type Handle, redirect } from "@sveltejs/kit";
import { sequence } from "@sveltejs/kit/hooks";
import { django } from "$lib/server/django";

/** Django's `login_required` for /account: after djangoSession, so `event.locals` is set. */
const loginRequired: Handle = async ({ event, resolve }) => {
  if (event.url.pathname === "/account" && (await event.locals.user()) === null) {
    redirect(303, "/login");
  }
  return resolve(event);
};

export const handle = sequence(django, loginRequired);
