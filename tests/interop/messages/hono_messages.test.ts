/**
 * `c.var.messages` in the Hono middleware, through `app.request`, with real Django 3.2/4.2/5.2 on
 * the other side of a browser's cookies: Django's `signed_cookies` session engine (the session is
 * a cookie too), for each of Django's message storages.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { csrfExempt, djangoSession, type SessionEnv } from "../../../src/adapters/hono.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { ERROR, INFO, SUCCESS } from "../../../src/messages/mod.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { CookieJar } from "../_databases.ts";
import { type Added, CYCLE, type Seen } from "./_cycle.ts";

after(closeDjangos);
const slow = { timeout: 120_000 };
const SECRET_KEY = "django-insecure-test-key";
const STORAGES = [
  "django.contrib.messages.storage.session.SessionStorage",
  "django.contrib.messages.storage.cookie.CookieStorage",
  "django.contrib.messages.storage.fallback.FallbackStorage",
];

for (const version of DJANGO_VERSIONS) {
  for (const storage of STORAGES) {
    describe(`Hono c.var.messages with Django ${version}, ${storage.split(".").at(-1)}`, () => {
      const dj = () =>
        django(version, {
          SECRET_KEY,
          SESSION_ENGINE: "django.contrib.sessions.backends.signed_cookies",
          INSTALLED_APPS: ["django.contrib.sessions", "django.contrib.messages"],
        });
      const backend = new SignedCookieBackend({
        SECRET_KEY,
        MESSAGE_STORAGE: storage,
        djangoVersion: version,
      });
      const app = new Hono<SessionEnv>().use(djangoSession({ backend }));
      app.get("/", async (c) => {
        const messages = await c.var.messages.list();
        return c.json(messages.map((m) => [m.level, m.message, m.extraTags, m.tags, m.safe]));
      });
      // About messages: CSRF has its own tests (tests/interop/csrf/).
      app.post("/", csrfExempt, (c) => {
        c.var.messages.success("Saved from Hono", { extraTags: "hono" });
        c.var.messages.error("<i>bold</i>", { safe: true });
        return c.text("added");
      });
      const hono = async (jar: CookieJar, method: "GET" | "POST") => {
        const response = await app.request("http://testserver/", {
          method,
          headers: { cookie: jar.header() },
        });
        jar.take(response.headers.getSetCookie());
        return response;
      };
      const theirs = async (jar: CookieJar, read: boolean, add: Added[] = []) => {
        const answer = await dj().run<{ seen: Seen[]; cookies: string[] }>(CYCLE, {
          storage,
          cookie: jar.header(),
          read,
          add,
        });
        jar.take(answer.cookies);
        return answer.seen;
      };

      test("added in Hono, shown by Django, then gone", slow, async () => {
        const jar = new CookieJar();
        await hono(jar, "POST");
        assert.deepEqual(await theirs(jar, true), [
          [SUCCESS, "Saved from Hono", "hono", "hono success", false],
          [ERROR, "<i>bold</i>", version === "3.2" ? null : "", "danger", true],
        ]);
        assert.deepEqual(await (await hono(jar, "GET")).json(), []);
      });

      test("added by Django, listed in Hono, then gone for Django", slow, async () => {
        const jar = new CookieJar();
        await theirs(jar, false, [[INFO, "From Django", "dj", false]]);
        assert.deepEqual(await (await hono(jar, "GET")).json(), [
          [INFO, "From Django", "dj", "dj info", false],
        ]);
        assert.deepEqual(await theirs(jar, true), []);
      });
    });
  }
}
