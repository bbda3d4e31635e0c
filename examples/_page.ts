/**
 * The page and the routes every TypeScript example serves: "/" adds one to `visits_<name>` and shows
 * the Django user and the whole session (the Django page does the same); "/login" logs a Django
 * user in; "/logout" flushes the session, which deletes the cookie.
 */
import type { Session, SessionContext, SessionData } from "../mod.ts";
import { authenticate, type DjangoUser, login, type UserSource } from "../src/auth/mod.ts";
import { HOST, SERVERS } from "./_config.ts";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Adds one to this server's counter; returns the page showing the user and the whole session. */
export function countVisit(name: string, session: Session, user: DjangoUser | null): Response {
  const key = `visits_${name}`;
  session.set(key, (Number(session.get(key)) || 0) + 1);
  const data = Object.fromEntries(session.entries().sort(([a], [b]) => (a < b ? -1 : 1)));
  const links = Object.entries(SERVERS)
    .map(([server, port]) => `<a href="http://${HOST}:${port}/">${server}</a>`)
    .join(" · ");
  const html = `<!doctype html><title>${name}</title><h1>${name}</h1><p>${links} · ` +
    `<a href="/login">log in</a> · <a href="/logout">log out</a></p>` +
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

const LOGIN_FORM = `<!doctype html><title>log in</title><form method="post" action="/login">
<input name="username" autocomplete="username"> <input name="password" type="password">
<button type="submit">log in</button></form>`;

/** "/login": the form (GET), or Django's `authenticate` + `login` and a redirect to "/" (POST). */
export async function loginPage(
  request: Request,
  session: Session,
  users: UserSource,
): Promise<Response> {
  const html = { "content-type": "text/html; charset=utf-8" };
  if (request.method !== "POST") return new Response(LOGIN_FORM, { headers: html });
  const form = await request.formData();
  const [username, password] = [String(form.get("username")), String(form.get("password"))];
  const user = await authenticate(session, users, username, password);
  if (!user) {
    return new Response(`<p id="error">wrong credentials</p>${LOGIN_FORM}`, {
      status: 403,
      headers: html,
    });
  }
  // Django's login also rotates the CSRF token; these pages have no CSRF layer of their own.
  await login(session, user, users);
  return new Response(null, { status: 303, headers: { location: "/" } });
}

/** The fetch-style handler of the Deno, Bun and Node examples, for `withSession`. */
export function counterHandler(name: string, users: UserSource) {
  return async function counter(
    request: Request,
    { session, user }: SessionContext<SessionData, DjangoUser>,
  ) {
    const { pathname } = new URL(request.url);
    if (pathname === "/logout") {
      await session.flush();
      return loggedOut();
    }
    if (pathname === "/login") return loginPage(request, session, users);
    if (pathname !== "/") return new Response("Not Found", { status: 404 });
    return countVisit(name, await session.load(), await user());
  };
}
