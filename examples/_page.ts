/**
 * The page and the routes every TypeScript example serves: "/" adds one to `visits_<name>` and shows
 * the Django user and the whole session (the Django page does the same); "/login" logs a Django
 * user in; "/logout" (POST) flushes the session, which deletes the cookie. Every form carries
 * Django's CSRF token: the middleware checks each POST as Django's CsrfViewMiddleware does.
 */
import type { RequestContext, Session, SessionData } from "../mod.ts";
import { authenticate, type DjangoUser, login, type UserSource } from "../src/auth/mod.ts";
import { HOST, SERVERS } from "./_config.ts";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** For servers whose adapter has no CSRF layer yet: forms without a token. */
const noCsrf = () => "";

/** Django's `{% csrf_token %}`: the hidden input every POST form of the demo carries. */
export const csrfInput = (token: string) =>
  `<input type="hidden" name="csrfmiddlewaretoken" value="${escape(token)}">`;

/** Adds one to `visits_<name>`; returns the whole session, sorted by key, as the page shows it. */
export function recordVisit(name: string, session: Session): Record<string, unknown> {
  const key = `visits_${name}`;
  session.set(key, (Number(session.get(key)) || 0) + 1);
  return Object.fromEntries(session.entries().sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Adds one to this server's counter; returns the page showing the user and the whole session. */
export function countVisit(
  name: string,
  session: Session,
  user: DjangoUser | null,
  csrfToken: () => string = noCsrf,
): Response {
  const data = recordVisit(name, session);
  const links = Object.entries(SERVERS)
    .map(([server, port]) => `<a href="http://${HOST}:${port}/">${server}</a>`)
    .join(" · ");
  const html = `<!doctype html><title>${name}</title><h1>${name}</h1><p>${links}</p>` +
    `<p><a href="/login">log in</a> · <a href="http://${HOST}:${SERVERS.django}/admin/login/">` +
    `log in with Django's admin</a></p>` +
    `<form method="post" action="/logout">${csrfInput(csrfToken())}` +
    `<button type="submit">log out</button></form>` +
    `<p>user: <span id="user">${escape(String(user?.username ?? "anonymous"))}</span></p>` +
    `<pre id="session">${escape(JSON.stringify(data, null, 2))}</pre>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}

/** The page after "/logout": the session is flushed, so the cookie is deleted. */
export function loggedOut(): Response {
  return new Response("<!doctype html><p id='session'>{}</p><a href='/'>again</a>", {
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

const loginForm = (token: string) =>
  `<!doctype html><title>log in</title><form method="post" action="/login">${csrfInput(token)}
<input name="username" autocomplete="username"> <input name="password" type="password">
<button type="submit">log in</button></form>`;

/**
 * "/login": the form with Django's CSRF token (GET), or Django's `authenticate` + `login` and a
 * redirect to "/" (POST, which the CSRF middleware has checked before this runs).
 */
export async function loginPage(
  request: Request,
  session: Session,
  users: UserSource,
  csrfToken: () => string = noCsrf,
): Promise<Response> {
  const html = { "content-type": "text/html; charset=utf-8" };
  if (request.method !== "POST") return new Response(loginForm(csrfToken()), { headers: html });
  const form = await request.formData();
  const [username, password] = [String(form.get("username")), String(form.get("password"))];
  const user = await authenticate(session, users, username, password);
  if (!user) {
    return new Response(`<p id="error">wrong credentials</p>${loginForm(csrfToken())}`, {
      status: 403,
      headers: html,
    });
  }
  // login() also rotates the CSRF token, as Django's does: the new cookie leaves with the redirect.
  await login(session, user, users);
  return new Response(null, { status: 303, headers: { location: "/" } });
}

/** The fetch-style handler of the Deno, Bun and Node examples, for `withSession`. */
export function counterHandler(name: string, users: UserSource) {
  return async function counter(
    request: Request,
    { session, user, csrfToken }: RequestContext<SessionData, DjangoUser>,
  ) {
    const { pathname } = new URL(request.url);
    if (pathname === "/logout" && request.method === "POST") {
      await session.flush();
      return loggedOut();
    }
    if (pathname === "/login") return loginPage(request, session, users, csrfToken);
    if (pathname !== "/") return new Response("Not Found", { status: 404 });
    return countVisit(name, await session.load(), await user(), csrfToken);
  };
}
