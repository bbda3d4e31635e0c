/**
 * `request.messages` in the Fastify plugin, through Fastify 5 listening on a port, with real
 * Django 3.2/4.2/5.2/6.1 on the other side of a browser's cookies: Django's `signed_cookies`
 * session engine (the session is a cookie too), for each of Django's message storages.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import Fastify from "fastify";
import { djangoSession } from "../../../src/adapters/fastify.ts";
import { ERROR, INFO, type RequestMessages, SUCCESS } from "../../../src/messages/mod.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
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
    describe(`Fastify request.messages with Django ${version}, ${storage.split(".").at(-1)}`, () => {
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
      const app = Fastify();
      const messagesOf = (request: { getDecorator<T>(name: string): T }) =>
        request.getDecorator<RequestMessages>("messages");
      let url = "";
      before(async () => {
        await app.register(djangoSession, { backend });
        app.get("/", async (request) =>
          (await messagesOf(request).list()).map((m) => [
            m.level,
            m.message,
            m.extraTags,
            m.tags,
            m.safe,
          ]));
        // About messages: CSRF has its own tests (tests/interop/csrf/fastify_reasons.test.ts).
        app.post("/", { config: { csrfExempt: true } }, (request) => {
          messagesOf(request).success("Saved from Fastify", { extraTags: "fastify" });
          messagesOf(request).error("<i>bold</i>", { safe: true });
          return "added";
        });
        url = await app.listen({ port: 0, host: "127.0.0.1" });
      });
      after(() => app.close());

      const ours = async (jar: CookieJar, method: "GET" | "POST") => {
        const response = await fetch(url, { method, headers: { cookie: jar.header() } });
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

      test("added in Fastify, shown by Django, then gone", slow, async () => {
        const jar = new CookieJar();
        assert.equal(await (await ours(jar, "POST")).text(), "added");
        assert.deepEqual(await theirs(jar, true), [
          [SUCCESS, "Saved from Fastify", "fastify", "fastify success", false],
          [ERROR, "<i>bold</i>", version === "3.2" ? null : "", "danger", true],
        ]);
        assert.deepEqual(await (await ours(jar, "GET")).json(), []);
      });

      test("added by Django, listed in Fastify, then gone for Django", slow, async () => {
        const jar = new CookieJar();
        await theirs(jar, false, [[INFO, "From Django", "dj", false]]);
        assert.deepEqual(await (await ours(jar, "GET")).json(), [
          [INFO, "From Django", "dj", "dj info", false],
        ]);
        assert.deepEqual(await theirs(jar, true), []);
      });
    });
  }
}
