/**
 * Django's messages both ways through an adapter, for each adapter's messages test: a message the
 * adapter adds shows in real Django's `get_messages` (3.2/4.2/5.2/6.1), one Django adds shows in
 * the adapter's `messages.list()`, and each is gone once shown — for Django's three storages, on
 * Django's `signed_cookies` session engine (the session is a cookie too, so a browser's cookie
 * jar carries everything between the two). Each adapter's app answers a GET with `listed` as
 * JSON and a CSRF-exempt POST with `addTwo` (tests/interop/messages/_cycle.ts; CSRF has its own
 * tests).
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DjangoSettingsInput } from "../../../src/settings/settings.ts";
import { ERROR, INFO, SUCCESS } from "../../../src/messages/mod.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { CookieJar } from "../_databases.ts";
import { type Added, djangoCycle } from "./_cycle.ts";

const slow = { timeout: 120_000 };
const SECRET_KEY = "django-insecure-test-key";
const STORAGES = [
  "django.contrib.messages.storage.session.SessionStorage",
  "django.contrib.messages.storage.cookie.CookieStorage",
  "django.contrib.messages.storage.fallback.FallbackStorage",
];

/** The adapter's app on one set of settings: a GET or POST with a `Cookie` header, and its end. */
export interface MessagesApp {
  send(method: "GET" | "POST", cookie: string): Response | Promise<Response>;
  close(): Promise<void>;
}

/**
 * Registers the cases for one adapter.
 *
 * @param framework its name in the titles and in `addTwo`'s message
 * @param serve starts its app on a signed-cookies backend with these settings
 */
export function messagesBothWays(
  framework: string,
  serve: (settings: DjangoSettingsInput) => Promise<MessagesApp>,
): void {
  after(closeDjangos);
  for (const version of DJANGO_VERSIONS) {
    for (const storage of STORAGES) {
      describe(`${framework} messages with Django ${version}, ${storage.split(".").at(-1)}`, () => {
        const dj = () =>
          django(version, {
            SECRET_KEY,
            SESSION_ENGINE: "django.contrib.sessions.backends.signed_cookies",
            INSTALLED_APPS: ["django.contrib.sessions", "django.contrib.messages"],
          });
        let app: Promise<MessagesApp> | undefined; // started by the first test that needs it
        after(async () => await (await app)?.close());
        const ours = async (jar: CookieJar, method: "GET" | "POST") => {
          app ??= serve({ SECRET_KEY, MESSAGE_STORAGE: storage, djangoVersion: version });
          const response = await (await app).send(method, jar.header());
          jar.take(response.headers.getSetCookie());
          return response;
        };
        const theirs = (jar: CookieJar, read: boolean, add: Added[] = []) =>
          djangoCycle(dj(), storage, jar, read, add);

        test(`added in ${framework}, shown by Django, then gone`, slow, async () => {
          const jar = new CookieJar();
          assert.equal(await (await ours(jar, "POST")).text(), "added");
          assert.deepEqual(await theirs(jar, true), [
            [SUCCESS, `Saved from ${framework}`, framework, `${framework} success`, false],
            [ERROR, "<i>bold</i>", version === "3.2" ? null : "", "danger", true],
          ]);
          assert.deepEqual(await (await ours(jar, "GET")).json(), []);
        });

        test(`added by Django, listed in ${framework}, then gone for Django`, slow, async () => {
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
}
