// "/": a Server Component reading Django's session, user and messages through cookies() (read-only:
// the messages are the ones proxy.ts took for this render, so they show once, as on a Django page).
// The visit counts with a button (a Server Action), another leaves a message (with MESSAGE_STORAGE
// SessionStorage); logging out posts Django's CSRF token to the /logout route handler, which
// checks it as Django's CsrfViewMiddleware does.
import { cookies } from "next/headers";
import { read } from "../lib/django.ts";
import { HOST, SERVERS } from "../../_config.ts";
import { countVisit, leaveMessage } from "./actions.ts";

export default async function Home() {
  const { session, user, csrfToken, messages } = await read(await cookies());
  const shown = await messages.list();
  const inSession = session.settings.MESSAGE_STORAGE.endsWith(".SessionStorage");
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
      <ul id="messages">
        {shown.map((m, i) => <li key={i} className={m.tags}>{m.message}</li>)}
      </ul>
      <form action={countVisit}>
        <button id="count" type="submit">count a visit</button>
      </form>
      {inSession && (
        <form action={leaveMessage}>
          <button id="leave" type="submit">leave a message</button>
        </form>
      )}
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
