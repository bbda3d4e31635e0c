// Issue 5 in a real browser (Debian's Chromium through playwright-core), with the example servers
// on one SQLite file for each Django release: log in through the TypeScript login form, open the
// Django admin as that staff user without logging in again, log out in Django, and the TypeScript
// pages show an anonymous visitor.
//
// Registered under Node only, like tests/browser.test.ts: it drives child processes of every
// runtime itself, so running it from all three runners would only repeat the same walk.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Browser, chromium, type Page } from "playwright-core";
import {
  djangoRuntime,
  freePort,
  launch,
  type Launched,
  migrate,
  type ServerName,
} from "../../../examples/_launch.ts";
import { closeDjangos, django, DJANGO_VERSIONS, sqliteDatabase } from "../../_django.ts";
import { tempDirectory } from "../../_sqlite.ts";

const runtime = globalThis as { Bun?: unknown; Deno?: unknown };
const SECRET_KEY = "django-insecure-auth-browser";
const SERVERS: ServerName[] = ["django", "deno", "hono"];

if (!runtime.Bun && !runtime.Deno) {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      timeout: 30_000,
    });
  });
  after(async () => {
    await browser?.close();
    await closeDjangos();
  });

  for (const version of DJANGO_VERSIONS) {
    describe(`Django ${version} admin and the TypeScript login form share the login`, () => {
      const dir = tempDirectory("auth-browser");
      const file = dir.path("db.sqlite3");
      const ports = {} as Record<ServerName, number>;
      const username = `admin-${version}`;
      let servers: Launched;
      let page: Page;
      const url = (name: ServerName, path: string) => `http://127.0.0.1:${ports[name]}${path}`;
      const shownUser = async (name: ServerName) => {
        await page.goto(url(name, "/"), { timeout: 15_000 });
        return page.locator("#user").textContent();
      };

      before(async () => {
        for (const name of SERVERS) ports[name] = await freePort();
        const env: Record<string, string> = {
          DJANGO_SECRET_KEY: SECRET_KEY,
          SQLITE_PATH: file,
          DATABASE_URL: "",
          ...djangoRuntime(version),
          ...Object.fromEntries(
            SERVERS.map((name) => [`${name.toUpperCase()}_PORT`, String(ports[name])]),
          ),
        };
        migrate(env);
        await django(version, { SECRET_KEY, DATABASES: { default: sqliteDatabase(file) } }).run(
          `from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.models import User
hasher = get_hasher()
user = User.objects.create_superuser(args, "admin@example.com", None)
user.password = hasher.encode("s3cret pw", hasher.salt(), 1000)
user.save()`,
          username,
        );
        servers = await launch(SERVERS, ports, env);
        page = await (await browser.newContext()).newPage();
      }, { timeout: 90_000 });
      after(async () => {
        await servers?.stop();
        dir.remove();
      });

      test(
        "log in on Deno → Hono and the Django admin know the user; Django's logout → anonymous",
        {
          timeout: 60_000,
        },
        async () => {
          await page.goto(url("deno", "/login"));
          await page.fill("input[name=username]", username);
          await page.fill("input[name=password]", "wrong");
          await page.click("button[type=submit]");
          assert.equal(await page.locator("#error").textContent(), "wrong credentials");
          await page.fill("input[name=username]", username);
          await page.fill("input[name=password]", "s3cret pw");
          await page.click("button[type=submit]");
          await page.waitForURL(url("deno", "/"));
          assert.equal(await page.locator("#user").textContent(), username);
          assert.equal(await shownUser("hono"), username);

          const admin = await page.goto(url("django", "/admin/"));
          assert.equal(admin?.status(), 200);
          assert.equal(page.url(), url("django", "/admin/"), "no redirect to the admin login");
          assert.match(await page.locator("#user-tools").textContent() ?? "", new RegExp(username));

          // Django 4.1+ log out with a POST form; 3.2 with a link.
          if (await page.locator("#logout-form").count()) {
            await page.click("#logout-form button");
          } else await page.goto(url("django", "/admin/logout/"));
          await page.waitForLoadState();
          assert.match(await page.content(), /Logged out/);
          assert.equal(await shownUser("deno"), "anonymous");
          assert.equal(await shownUser("hono"), "anonymous");
        },
      );
    });
  }
}
