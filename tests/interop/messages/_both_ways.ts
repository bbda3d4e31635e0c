/**
 * Messages both ways between real Django 3.2/4.2/5.2/6.1 and an adapter, for each of Django's
 * message storages, on Django's `signed_cookies` session engine (the session is a cookie too):
 * added by the adapter, shown by Django's `get_messages`, then gone; added by Django, listed by the
 * adapter, then gone for Django. Each adapter's file gives a service: `GET /` lists its messages
 * as `[level, message, extraTags, tags, safe]` JSON, `POST /` (CSRF-exempt) adds
 * `success("Saved from <name>", { extraTags: "<tag>" })` and `error("<i>bold</i>", { safe: true })`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { ERROR, INFO, SUCCESS } from "../../../src/messages/mod.ts";
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

/** A started service: answers one request (`cookie` is the browser's), and stops. */
export interface MessagesService {
  request(method: "GET" | "POST", cookie: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Registers the tests for the service `start` makes on each backend.
 *
 * @param name the adapter's name ("Saved from <name>")
 * @param tag the extra tag its POST adds
 * @param start starts the service on a backend
 */
export function describeMessagesBothWays(
  name: string,
  tag: string,
  start: (backend: SignedCookieBackend) => Promise<MessagesService>,
): void {
  after(closeDjangos);
  for (const version of DJANGO_VERSIONS) {
    for (const storage of STORAGES) {
      describe(`${name} messages with Django ${version}, ${storage.split(".").at(-1)}`, () => {
        const dj = () =>
          django(version, {
            SECRET_KEY,
            SESSION_ENGINE: "django.contrib.sessions.backends.signed_cookies",
            INSTALLED_APPS: ["django.contrib.sessions", "django.contrib.messages"],
          });
        let service: MessagesService;
        before(async () => {
          const settings = { SECRET_KEY, MESSAGE_STORAGE: storage, djangoVersion: version };
          service = await start(new SignedCookieBackend(settings));
        });
        after(() => service.close());
        const ours = async (jar: CookieJar, method: "GET" | "POST") => {
          const response = await service.request(method, jar.header());
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

        test(`added in ${name}, shown by Django, then gone`, slow, async () => {
          const jar = new CookieJar();
          await ours(jar, "POST");
          assert.deepEqual(await theirs(jar, true), [
            [SUCCESS, `Saved from ${name}`, tag, `${tag} success`, false],
            [ERROR, "<i>bold</i>", version === "3.2" ? null : "", "danger", true],
          ]);
          assert.deepEqual(await (await ours(jar, "GET")).json(), []);
        });

        test(`added by Django, listed in ${name}, then gone for Django`, slow, async () => {
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
