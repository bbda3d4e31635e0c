// One real browser (Debian's Chromium through playwright-core) walks the example servers — the
// Django site, then Deno, Bun, Node, Hono and Express, then Django again — on one SQLite file: one session
// cookie, every counter visible everywhere, the cookie holding Django's attributes whoever set it,
// and a TypeScript-side logout deleting it.
//
// Registered under Node only: it drives child processes of every runtime itself, so running it
// from all three runners would only repeat the same walk.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Browser, type BrowserContext, chromium } from "playwright-core";
import {
  djangoInstalled,
  freePort,
  launch,
  type Launched,
  migrate,
  type ServerName,
} from "../examples/_launch.ts";
import { tempDirectory } from "./_sqlite.ts";

const runtime = globalThis as { Bun?: unknown; Deno?: unknown };
const TWO_WEEKS = 1209600;
const SERVERS: ServerName[] = ["django", "deno", "bun", "node", "hono", "express"];

if (!runtime.Bun && !runtime.Deno) {
  describe("one browser session across Django, Deno, Bun, Node, Hono and Express", () => {
    const dir = tempDirectory("browser");
    const ports = {} as Record<ServerName, number>;
    let servers: Launched;
    let browser: Browser;
    let context: BrowserContext;

    before(async () => {
      assert.ok(djangoInstalled(), "Django is not installed: run bash .ci/setup");
      for (const name of SERVERS) ports[name] = await freePort();
      const env: Record<string, string> = {
        DJANGO_SECRET_KEY: "django-insecure-browser-test",
        SQLITE_PATH: dir.path("db.sqlite3"),
        DATABASE_URL: "",
        ...Object.fromEntries(
          SERVERS.map((name) => [`${name.toUpperCase()}_PORT`, String(ports[name])]),
        ),
      };
      migrate(env);
      servers = await launch(SERVERS, ports, env);
      browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        timeout: 30_000,
      });
      context = await browser.newContext();
    }, { timeout: 90_000 });

    after(async () => {
      await browser?.close();
      await servers?.stop();
      dir.remove();
    });

    /** Opens a server's page and returns the session it shows. */
    async function visit(name: ServerName, path = "/"): Promise<Record<string, number>> {
      const page = await context.newPage();
      try {
        const response = await page.goto(`http://127.0.0.1:${ports[name]}${path}`, {
          timeout: 15_000,
        });
        assert.equal(response?.status(), 200, `${name}${path}`);
        return JSON.parse(await page.locator("#session").textContent() ?? "null");
      } finally {
        await page.close();
      }
    }

    async function sessionCookie() {
      const cookies = await context.cookies("http://127.0.0.1/");
      return cookies.find((cookie) => cookie.name === "sessionid");
    }

    /** Django's defaults: HttpOnly, SameSite=Lax, Path=/, host-only, not Secure, two weeks. */
    function assertDjangoAttributes(cookie: Awaited<ReturnType<typeof sessionCookie>>) {
      assert.ok(cookie, "the browser holds a sessionid cookie");
      assert.match(cookie.value, /^[a-z0-9]{32}$/);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, "Lax");
      assert.equal(cookie.path, "/");
      assert.equal(cookie.domain, "127.0.0.1");
      assert.equal(cookie.secure, false);
      const age = cookie.expires - Date.now() / 1000;
      assert.ok(Math.abs(age - TWO_WEEKS) < 120, `expires in ${age}s, not two weeks`);
    }

    test("every server counts in the same session, and the cookie is Django's", {
      timeout: 60_000,
    }, async () => {
      assert.deepEqual(await visit("django"), { visits_django: 1 });
      const cookie = await sessionCookie();
      assertDjangoAttributes(cookie);
      assert.deepEqual(await visit("deno"), { visits_django: 1, visits_deno: 1 });
      assert.deepEqual(await visit("bun"), { visits_django: 1, visits_deno: 1, visits_bun: 1 });
      await visit("node");
      await visit("hono");
      await visit("express");
      assert.deepEqual(await visit("django"), {
        visits_django: 2,
        visits_deno: 1,
        visits_bun: 1,
        visits_node: 1,
        visits_hono: 1,
        visits_express: 1,
      });
      assert.equal((await sessionCookie())?.value, cookie!.value, "the key never changed");
    });

    test(
      "a TypeScript logout deletes the cookie; a TypeScript-made cookie has Django's attributes",
      { timeout: 60_000 },
      async () => {
        assert.deepEqual(await visit("deno", "/logout"), {});
        assert.equal(await sessionCookie(), undefined);
        assert.deepEqual(await visit("bun"), { visits_bun: 1 });
        assertDjangoAttributes(await sessionCookie());
        assert.deepEqual(await visit("django"), { visits_bun: 1, visits_django: 1 });
        assert.deepEqual(await visit("hono", "/logout"), {});
        assert.equal(await sessionCookie(), undefined);
        assert.deepEqual(await visit("express"), { visits_express: 1 });
        assertDjangoAttributes(await sessionCookie());
        assert.deepEqual(await visit("express", "/logout"), {});
        assert.equal(await sessionCookie(), undefined);
      },
    );
  });
}
