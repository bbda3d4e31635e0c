// One real browser (Debian's Chromium through playwright-core) walks the demo — the newest Django
// here (what `npm run demo` runs), then every TypeScript example server, then Django again — on one SQLite
// file: one session cookie, every counter visible everywhere, the cookie holding Django's attributes
// whoever set it, and a TypeScript-side logout deleting it. Then the demo user (seeded by the
// migrate) logs in on a TypeScript server and through Django's admin, and every server shows them,
// until a logout anywhere.
//
// Registered under Node only: it drives child processes of every runtime itself, so running it
// from all three runners would only repeat the same walk.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { DEMO_USER } from "../../../examples/_config.ts";
import {
  freePort,
  launch,
  type Launched,
  migrate,
  newestDjango,
  type ServerName,
} from "../../../examples/_launch.ts";
import { tempDirectory } from "../../_sqlite.ts";

const runtime = globalThis as { Bun?: unknown; Deno?: unknown };
const TWO_WEEKS = 1209600;
const SERVERS: ServerName[] = [
  "django",
  "deno",
  "bun",
  "node",
  "hono",
  "fastify",
  "koa",
  "express",
  "h3",
  "sveltekit",
  "next",
  "oak",
  "elysia",
];

const WITH_CSRF = new Set<ServerName>([
  "deno",
  "bun",
  "node",
  "hono",
  "h3",
  "sveltekit",
  "next",
  "oak",
  "koa",
  "elysia",
  "express",
  "fastify",
]);

if (!runtime.Bun && !runtime.Deno) {
  describe("one browser session across Django and every TypeScript example server", () => {
    const dir = tempDirectory("browser");
    const ports = {} as Record<ServerName, number>;
    let servers: Launched;
    let browser: Browser;
    let context: BrowserContext;

    before(async () => {
      const django = newestDjango();
      assert.ok(django, "Django is not installed: run bash .ci/setup");
      for (const name of SERVERS) ports[name] = await freePort();
      const env: Record<string, string> = {
        DJANGO_SECRET_KEY: "django-insecure-browser-test",
        SQLITE_PATH: dir.path("db.sqlite3"),
        DATABASE_URL: "",
        ...django.env,
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
    }, { timeout: 600_000 });

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
        // A Next.js page cannot set cookies while it renders: its visit counts by a Server Action.
        if (name === "next") await countByAction(page);
        return JSON.parse(await page.locator("#session").textContent() ?? "null");
      } finally {
        await page.close();
      }
    }

    /** Clicks the Next.js page's "count a visit" button; waits for the page to show the new count. */
    async function countByAction(page: Page) {
      const before = await page.locator("#session").textContent();
      await page.click("#count");
      await page.waitForFunction(
        (shown) => document.querySelector("#session")?.textContent !== shown,
        before,
        { timeout: 15_000 },
      );
    }

    /** Logs out with the page's POST form (it carries the CSRF token); returns the session shown. */
    async function logOut(name: ServerName): Promise<Record<string, number>> {
      const page = await context.newPage();
      try {
        await page.goto(`http://127.0.0.1:${ports[name]}/`, { timeout: 15_000 });
        await Promise.all([
          page.waitForNavigation(),
          page.click("form[action='/logout'] button"),
        ]);
        return JSON.parse(await page.locator("#session").textContent() ?? "null");
      } finally {
        await page.close();
      }
    }

    /** Opens a server's page and returns the user it shows. */
    async function shownUser(name: ServerName): Promise<string | null> {
      const page = await context.newPage();
      try {
        await page.goto(`http://127.0.0.1:${ports[name]}/`, { timeout: 15_000 });
        return await page.locator("#user").textContent();
      } finally {
        await page.close();
      }
    }

    async function assertUserEverywhere(expected: string) {
      for (const name of SERVERS) assert.equal(await shownUser(name), expected, name);
    }

    /** Fills and sends a login form: the TypeScript one or Django's admin (ids id_username…). */
    async function logIn(name: ServerName, path: string, fields: [string, string]) {
      const page = await context.newPage();
      try {
        await page.goto(`http://127.0.0.1:${ports[name]}${path}`, { timeout: 15_000 });
        await page.fill(fields[0], DEMO_USER.username);
        await page.fill(fields[1], DEMO_USER.password);
        await Promise.all([page.waitForNavigation(), page.click("[type=submit]")]);
        assert.equal(new URL(page.url()).pathname, path.startsWith("/admin") ? "/admin/" : "/");
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
      timeout: 90_000,
    }, async () => {
      assert.deepEqual(await visit("django"), { visits_django: 1 });
      const cookie = await sessionCookie();
      assertDjangoAttributes(cookie);
      const expected: Record<string, number> = { visits_django: 1 };
      for (const name of SERVERS.filter((server) => server !== "django")) {
        expected[`visits_${name}`] = 1;
        assert.deepEqual(await visit(name), expected, name);
      }
      assert.deepEqual(await visit("django"), { ...expected, visits_django: 2 });
      assert.equal((await sessionCookie())?.value, cookie!.value, "the key never changed");
    });

    test(
      "a TypeScript logout deletes the cookie; a TypeScript-made cookie has Django's attributes",
      { timeout: 60_000 },
      async () => {
        assert.deepEqual(await logOut("deno"), {});
        assert.equal(await sessionCookie(), undefined);
        assert.deepEqual(await visit("bun"), { visits_bun: 1 });
        assertDjangoAttributes(await sessionCookie());
        assert.deepEqual(await visit("django"), { visits_bun: 1, visits_django: 1 });
        assert.deepEqual(await logOut("hono"), {});
        assert.equal(await sessionCookie(), undefined);
        assert.deepEqual(await visit("fastify"), { visits_fastify: 1 });
        assertDjangoAttributes(await sessionCookie());
        assert.deepEqual(await logOut("koa"), {});
        assert.equal(await sessionCookie(), undefined);
        assert.deepEqual(await visit("express"), { visits_express: 1 });
        assertDjangoAttributes(await sessionCookie());
        assert.deepEqual(await logOut("express"), {});
        assert.equal(await sessionCookie(), undefined);
        assert.deepEqual(await visit("h3"), { visits_h3: 1 });
        assertDjangoAttributes(await sessionCookie());
        assert.deepEqual(await logOut("sveltekit"), {});
        assert.equal(await sessionCookie(), undefined);
        assert.deepEqual(await visit("oak"), { visits_oak: 1 });
        assertDjangoAttributes(await sessionCookie());
        assert.deepEqual(await logOut("oak"), {});
        assert.equal(await sessionCookie(), undefined);
      },
    );

    test(
      "a token from Django's admin login page passes every TypeScript POST; one from a TypeScript form logs in to Django's admin",
      { timeout: 90_000 },
      async () => {
        const { request } = context; // shares the browser's cookies: one csrftoken for every port
        const post = (name: ServerName, path: string, form: Record<string, string>) =>
          request.post(`http://127.0.0.1:${ports[name]}${path}`, {
            form,
            headers: { origin: `http://127.0.0.1:${ports[name]}` },
            maxRedirects: 0,
          });
        const tokenOf = async (name: ServerName, path: string) => {
          const page = await request.get(`http://127.0.0.1:${ports[name]}${path}`);
          const match = (await page.text()).match(/name="csrfmiddlewaretoken" value="([^"]+)"/);
          assert.ok(match, `${name}${path} renders a token`);
          return match[1];
        };
        for (const name of SERVERS.filter((server) => WITH_CSRF.has(server))) {
          const djangos = await tokenOf("django", "/admin/login/");
          assert.equal(
            (await post(name, "/logout", { csrfmiddlewaretoken: djangos })).status(),
            200,
          );
          const forged = await post(name, "/logout", { csrfmiddlewaretoken: "a".repeat(64) });
          assert.equal(forged.status(), 403, `${name} refuses a forged token`);

          const ours = await tokenOf(name, "/login");
          const login = await post("django", "/admin/login/?next=/admin/", {
            csrfmiddlewaretoken: ours,
            ...DEMO_USER,
          });
          assert.equal(login.status(), 302, `Django's admin accepts ${name}'s token`);
          assert.equal(login.headers().location, "/admin/");
          assert.equal(await shownUser(name), DEMO_USER.username);
          // Django's login rotated the secret, as ours does: the next form needs a new token.
          const fresh = await tokenOf(name, "/login");
          assert.equal((await post(name, "/logout", { csrfmiddlewaretoken: fresh })).status(), 200);
          assert.equal(await shownUser("django"), "anonymous");
        }
      },
    );

    test(
      "the demo user logs in on a TypeScript server or Django's admin, and out anywhere",
      { timeout: 90_000 },
      async () => {
        await logIn("bun", "/login", ["input[name=username]", "input[name=password]"]);
        await assertUserEverywhere(DEMO_USER.username);
        assert.deepEqual(await logOut("node"), {});
        await assertUserEverywhere("anonymous");

        await logIn("django", "/admin/login/", ["#id_username", "#id_password"]);
        await assertUserEverywhere(DEMO_USER.username);
        const page = await context.newPage();
        await page.goto(`http://127.0.0.1:${ports.django}/`);
        await Promise.all([page.waitForNavigation(), page.click("#logout")]);
        await page.close();
        await assertUserEverywhere("anonymous");
      },
    );
  });
}
