/**
 * Django's messages both ways through an adapter, for each adapter's messages test: a message the
 * adapter adds shows in real Django's `get_messages` (3.2/4.2/5.2/6.1), one Django adds shows in
 * the adapter's `messages.list()`, and each is gone once shown — for Django's three storages, on
 * Django's `signed_cookies` session engine (the session is a cookie too, so a browser's cookie
 * jar carries everything between the two). Each adapter's app serves `GET /` ({@linkcode listed}
 * as JSON) and a CSRF-exempt `POST /` ({@linkcode addTwo}; CSRF has its own tests).
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { ERROR, INFO, type RequestMessages, SUCCESS } from "../../../src/messages/mod.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { CookieJar } from "../_databases.ts";
import { type Added, CYCLE, type Seen } from "./_cycle.ts";

const slow = { timeout: 120_000 };
const SECRET_KEY = "django-insecure-test-key";
const STORAGES = [
  "django.contrib.messages.storage.session.SessionStorage",
  "django.contrib.messages.storage.cookie.CookieStorage",
  "django.contrib.messages.storage.fallback.FallbackStorage",
];

/** What `GET /` answers as JSON: the request's messages as Django's view lists them. */
export async function listed(messages: RequestMessages): Promise<Seen[]> {
  return (await messages.list()).map((m) => [m.level, m.message, m.extraTags, m.tags, m.safe]);
}

/** What `POST /` does: a success with extra tags `framework`, and a safe error. */
export function addTwo(messages: RequestMessages, framework: string): void {
  messages.success(`Saved from ${framework}`, { extraTags: framework });
  messages.error("<i>bold</i>", { safe: true });
}

/** The adapter's app for one backend: a request to `/` with a `Cookie` header, and its end. */
export interface MessagesApp {
  send(method: "GET" | "POST", cookie: string): Response | Promise<Response>;
  close(): Promise<void>;
}

/**
 * Registers the cases for one adapter.
 *
 * @param framework its name in the titles and in `addTwo`'s message
 * @param serve starts its app on the backend
 */
export function messagesBothWays(
  framework: string,
  serve: (backend: SignedCookieBackend) => Promise<MessagesApp>,
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
        const backend = new SignedCookieBackend({
          SECRET_KEY,
          MESSAGE_STORAGE: storage,
          djangoVersion: version,
        });
        const app = serve(backend);
        after(async () => (await app).close());
        const ours = async (jar: CookieJar, method: "GET" | "POST") => {
          const response = await (await app).send(method, jar.header());
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

        test(`added in ${framework}, shown by Django, then gone`, slow, async () => {
          const jar = new CookieJar();
          await ours(jar, "POST");
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
