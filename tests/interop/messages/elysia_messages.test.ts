/**
 * `messages` in the Elysia plugin's context, through Elysia's own server (under Bun, whatever the
 * runner; tests/servers/elysia_csrf.ts), with real Django 3.2/4.2/5.2/6.1 on the other side of a
 * browser's cookies, for each of Django's message storages (tests/interop/messages/_both_ways.ts).
 */
import { startServer } from "../../_server.ts";
import { messagesBothWays } from "./_both_ways.ts";

messagesBothWays("elysia", async (settings) => {
  const server = await startServer("bun", ["tests/servers/elysia_csrf.ts"], {
    DJANGO_VERSION: settings.djangoVersion!,
    MESSAGE_STORAGE: settings.MESSAGE_STORAGE!,
  });
  return {
    send: (method, cookie) => fetch(`${server.url}/messages/`, { method, headers: { cookie } }),
    close: () => server.close(),
  };
});
