// "/login": the form with Django's CSRF token, and the action that runs Django's authenticate +
// login, then throws SvelteKit's redirect() (which djangoSession commits: cookie and rotated token).
import { fail, redirect } from "@sveltejs/kit";
import { authenticate, login } from "../../../../../src/auth/mod.ts";
import { users } from "$lib/server/django";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ locals }) => ({ csrfToken: locals.csrfToken() });

export const actions: Actions = {
  default: async ({ request, locals }) => {
    const form = await request.formData();
    const [username, password] = [String(form.get("username")), String(form.get("password"))];
    const user = await authenticate(locals.session, users, username, password);
    if (!user) return fail(403, { error: "wrong credentials" });
    await login(locals.session, user, users);
    redirect(303, "/");
  },
};
