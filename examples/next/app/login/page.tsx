// "/login": the form a Server Component renders with Django's CSRF token (the proxy made sure the
// cookie exists); it posts to the /login/submit route handler.
import { cookies } from "next/headers";
import { read } from "../../lib/django.ts";

export default async function Login() {
  const { csrfToken } = await read(await cookies());
  return (
    <form method="post" action="/login/submit">
      <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken()} />
      <input name="username" autoComplete="username" /> <input name="password" type="password" />
      {" "}
      <button type="submit">log in</button>
    </form>
  );
}
