// "/": a Server Component reading Django's session and user through cookies() (read-only). The
// visit counts with the button (a Server Action); logging out posts Django's CSRF token to the
// /logout route handler, which checks it as Django's CsrfViewMiddleware does.
import { cookies } from "next/headers";
import { read } from "../lib/django.ts";
import { HOST, SERVERS } from "../../_config.ts";
import { countVisit } from "./actions.ts";

export default async function Home() {
  const { session, user, csrfToken } = await read(await cookies());
  await session.load();
  const data = Object.fromEntries(session.entries().sort(([a], [b]) => (a < b ? -1 : 1)));
  const username = (await user())?.username ?? "anonymous";
  return (
    <main>
      <h1>next</h1>
      <ul>
        {Object.entries(SERVERS).map(([name, port]) => (
          <li key={name}>
            <a href={`http://${HOST}:${port}/`}>{name}</a>
          </li>
        ))}
      </ul>
      <p>
        <a href="/login">log in</a> · <a href="/account">account</a>
      </p>
      <form action={countVisit}>
        <button id="count" type="submit">count a visit</button>
      </form>
      <form method="post" action="/logout">
        <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken()} />
        <button type="submit">log out</button>
      </form>
      <p>
        user: <span id="user">{String(username)}</span>
      </p>
      <pre id="session">{JSON.stringify(data, null, 2)}</pre>
    </main>
  );
}
