/**
 * `event.context.messages` of the h3 middleware, through real h3 v2 and h3 v1 servers on a port,
 * with real Django 3.2/4.2/5.2/6.1 on the other side of a browser's cookies: Django's
 * `signed_cookies` session engine (the session is a cookie too), for each of Django's message
 * storages — added on one side, read on the other, then gone.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { H3 } from "h3";
import * as v1 from "h3-v1";
import {
  type DjangoContext,
  djangoSession,
  type H3SessionOptions,
} from "../../../src/adapters/h3.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { ERROR, INFO, SUCCESS } from "../../../src/messages/mod.ts";
import { freePort } from "../../../examples/_launch.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { CookieJar } from "../_databases.ts";
import { type Listening, listenV1, listenV2 } from "../adapters/_h3_listen.ts";
import { type Added, CYCLE, type Seen } from "./_cycle.ts";

after(closeDjangos);
const slow = { timeout: 120_000 };
const SECRET_KEY = "django-insecure-test-key";
const STORAGES = [
  "django.contrib.messages.storage.session.SessionStorage",
  "django.contrib.messages.storage.cookie.CookieStorage",
  "django.contrib.messages.storage.fallback.FallbackStorage",
];

/** GET lists the messages, POST adds two. */
async function page(method: string, { messages }: DjangoContext) {
  if (method !== "POST") {
    const listed = await messages.list();
    return listed.map((m) => [m.level, m.message, m.extraTags, m.tags, m.safe]);
  }
  messages.success("Saved from h3", { extraTags: "h3" });
  messages.error("<i>bold</i>", { safe: true });
  return "added";
}

// About messages: CSRF has its own tests (tests/interop/csrf/h3_reasons.test.ts).
const exempt = () => true;

const SERVERS = {
  "h3 v2": (options: H3SessionOptions, port: number) => {
    const django = djangoSession(options);
    const app = new H3().use(django).use((event) => page(event.req.method, django.context(event)));
    return listenV2(app, port);
  },
  "h3 v1": (options: H3SessionOptions, port: number) => {
    const django = djangoSession(options);
    const app = v1.createApp({ onError: django.onError }).use(django);
    app.use(v1.defineEventHandler((event) => page(event.method, django.context(event))));
    return listenV1(app, port);
  },
};

for (const version of DJANGO_VERSIONS) {
  for (const storage of STORAGES) {
    for (const [name, start] of Object.entries(SERVERS)) {
      describe(`${name} messages with Django ${version}, ${storage.split(".").at(-1)}`, () => {
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
        let server: Listening;
        before(
          async () => (server = await start({ backend, csrfExempt: exempt }, await freePort())),
        );
        after(() => server.close());
        const h3 = async (jar: CookieJar, method: "GET" | "POST") => {
          const response = await fetch(`${server.url}/`, {
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

        test("added in h3, shown by Django, then gone", slow, async () => {
          const jar = new CookieJar();
          assert.equal(await (await h3(jar, "POST")).text(), "added");
          assert.deepEqual(await theirs(jar, true), [
            [SUCCESS, "Saved from h3", "h3", "h3 success", false],
            [ERROR, "<i>bold</i>", version === "3.2" ? null : "", "danger", true],
          ]);
          assert.deepEqual(await (await h3(jar, "GET")).json(), []);
        });

        test("added by Django, listed in h3, then gone for Django", slow, async () => {
          const jar = new CookieJar();
          await theirs(jar, false, [[INFO, "From Django", "dj", false]]);
          assert.deepEqual(await (await h3(jar, "GET")).json(), [
            [INFO, "From Django", "dj", "dj info", false],
          ]);
          assert.deepEqual(await theirs(jar, true), []);
        });
      });
    }
  }
}
