// POST /login/submit: Django's CSRF check ran before this (route()); then Django's authenticate +
// login, which cycles the session key and rotates the CSRF cookie, both sent with the redirect.
import { authenticate, login } from "../../../../../src/auth/mod.ts";
import { route, users } from "../../../lib/django.ts";

export const POST = route(async (request, { session }) => {
  const form = await request.formData();
  const user = await authenticate(
    session,
    users,
    String(form.get("username")),
    String(form.get("password")),
  );
  if (!user) return new Response("wrong credentials", { status: 403 });
  await login(session, user, users);
  return new Response(null, { status: 303, headers: { location: "/" } });
});
