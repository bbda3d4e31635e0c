/**
 * The page and the routes every TypeScript example serves: "/" adds one to `visits_<name>` and shows
 * the whole session (the Django page does the same); "/logout" flushes it, which deletes the cookie.
 */
import type { Session, SessionContext } from "../mod.ts";
import { HOST, SERVERS } from "./_config.ts";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Adds one to this server's counter; returns the page showing the whole session. */
export function countVisit(name: string, session: Session): Response {
  const key = `visits_${name}`;
  session.set(key, (Number(session.get(key)) || 0) + 1);
  const data = Object.fromEntries(session.entries().sort(([a], [b]) => (a < b ? -1 : 1)));
  const links = Object.entries(SERVERS)
    .map(([server, port]) => `<a href="http://${HOST}:${port}/">${server}</a>`)
    .join(" · ");
  const html = `<!doctype html><title>${name}</title><h1>${name}</h1><p>${links} · ` +
    `<a href="/logout">log out</a></p><pre id="session">${
      escape(JSON.stringify(data, null, 2))
    }</pre>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}

/** The page after "/logout": the session is flushed, so the cookie is deleted. */
export function loggedOut(): Response {
  return new Response("<!doctype html><p id='session'>{}</p><a href='/'>again</a>", {
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

/** The fetch-style handler of the Deno, Bun and Node examples, for `withSession`. */
export function counterHandler(name: string) {
  return async function counter(request: Request, { session }: SessionContext) {
    const { pathname } = new URL(request.url);
    if (pathname === "/logout") {
      await session.flush();
      return loggedOut();
    }
    if (pathname !== "/") return new Response("Not Found", { status: 404 });
    return countVisit(name, await session.load());
  };
}
