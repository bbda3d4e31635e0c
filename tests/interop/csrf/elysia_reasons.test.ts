/**
 * Issue 12 through Elysia's own server (`app.listen` under Bun, whatever the runner;
 * tests/servers/elysia_csrf.ts): the CSRF parity table (every legitimate, forged, missing,
 * malformed, wrong-origin and insecure-referer request answered as real Django 3.2/4.2/5.2/6.1
 * answers it, form and multipart tokens read from a clone before Elysia parses the body, HTTPS
 * behind a proxy through `trustProxy`), and `login()` in an Elysia route reading Elysia's parsed
 * `body` — the clone left it whole — and rotating the token.
 */
import { after, describe, test } from "node:test";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { startServer, type TestServer } from "../../_server.ts";
import { tempDirectory } from "../../_sqlite.ts";
import { overHttp, siteSettings, toService } from "./_probe.ts";
import { assertParity } from "./_probes.ts";
import { assertLoginRotates, siteWithAlice } from "./_login.ts";

/** Bun stops a test after 5 s; a cold Django and a Bun server on a busy machine can take longer. */
const slow = { timeout: 120_000 };
const temp = tempDirectory("csrf-elysia");
after(async () => {
  await closeDjangos();
  temp.remove();
});

/** Runs `check` against the Elysia server for these settings, then stops it. */
async function withElysia(env: Record<string, string>, check: (port: number) => Promise<void>) {
  const server: TestServer = await startServer("bun", ["tests/servers/elysia_csrf.ts"], env);
  try {
    await check(Number(new URL(server.url).port));
  } finally {
    await server.close();
  }
}

for (const version of DJANGO_VERSIONS) {
  describe(`CSRF through Elysia, Django ${version}`, () => {
    test("every request gets the same answer and reason from Django and Elysia", slow, async () => {
      const site = django(version, siteSettings(version));
      await withElysia({ DJANGO_VERSION: version }, async (port) => {
        await assertParity(site, version, (probe) => toService(overHttp(port), probe));
      });
    });

    test("login() in an Elysia route rotates the token: the old one is refused", slow, async () => {
      const file = temp.path(`users-${version}.sqlite3`);
      const site = await siteWithAlice(version, file);
      await withElysia({ DJANGO_VERSION: version, SQLITE_PATH: file }, async (port) => {
        await assertLoginRotates(site, version, (probe) => toService(overHttp(port), probe));
      });
    });
  });
}
