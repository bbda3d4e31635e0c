/**
 * The TypeScript twin of tests/django/csrf_site.py behind `withSession`: /form/ renders the token,
 * /protected/ and /plain/ answer "ok", /exempt/ is exempt, /login/ runs authenticate + login.
 * Refusals answer Django's reason as the body (the `csrfFailure` option).
 */
import { type DjangoSettingsInput, withSession } from "../../../mod.ts";
import { authenticate, login, type UserSource } from "../../../src/auth/mod.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { SECRET_KEY } from "../../_sqlite.ts";

/** The service for these settings (`SECRET_KEY` is the bridge's, for shared signed sessions). */
export function service(
  settings: Omit<DjangoSettingsInput, "SECRET_KEY">,
  users?: UserSource,
): (request: Request) => Promise<Response> {
  const backend = new SignedCookieBackend({ SECRET_KEY, ...settings });
  return withSession({
    backend,
    csrfExempt: (request) => new URL(request.url).pathname === "/exempt/",
    csrfFailure: (error) => new Response(error.reason, { status: 403 }),
  }, async (request, { session, csrfToken }) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/form/") {
      const input = `<input type="hidden" name="csrfmiddlewaretoken" value="${csrfToken()}">`;
      return new Response(`<form method="post">${input}</form>`);
    }
    if (pathname === "/login/" && users) {
      const form = await request.formData();
      const name = String(form.get("username")), password = String(form.get("password"));
      const user = await authenticate(session, users, name, password);
      if (!user) return new Response("wrong credentials", { status: 401 });
      await login(session, user, users);
      return new Response(null, { status: 302, headers: { location: "/" } });
    }
    return new Response("ok");
  });
}
