/**
 * The `messages` cookie's attributes against Django 3.2/4.2/5.2's `CookieStorage`: set and deleted
 * with `SESSION_COOKIE_DOMAIN`, `_SECURE`, `_HTTPONLY` and `_SAMESITE` as Django applies them
 * (`Path=/` always, no expiry; `Secure` on deletion only for `SameSite=None`); an unreadable
 * cookie is dropped by `CookieStorage` alone, kept by `FallbackStorage`.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { requestMessages } from "../../../src/messages/mod.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import type { DjangoSettingsInput } from "../../../src/settings/settings.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";

after(closeDjangos);
const slow = { timeout: 120_000 };
const SECRET_KEY = "django-insecure-test-key";
const COOKIE = "django.contrib.messages.storage.cookie.CookieStorage";
const FALLBACK = "django.contrib.messages.storage.fallback.FallbackStorage";

const VARIANTS: Partial<DjangoSettingsInput>[] = [
  {},
  { SESSION_COOKIE_DOMAIN: ".example.com", SESSION_COOKIE_SECURE: true },
  { SESSION_COOKIE_HTTPONLY: false, SESSION_COOKIE_SAMESITE: "Strict" },
  { SESSION_COOKIE_SAMESITE: "None", SESSION_COOKIE_SECURE: true },
  { SESSION_COOKIE_SAMESITE: null },
];

const DJANGO_COOKIES = `
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
with override_settings(**args["settings"]):
    storage = CookieStorage(RequestFactory().get("/", HTTP_COOKIE=args["cookie"]))
    if args["read"]:
        list(storage)
    else:
        storage.add(20, "hello")
    response = HttpResponse()
    storage.update(response)
result = [m.OutputString() for m in response.cookies.values()]
`;

/** Django 3.0's and 3.1's cookie forms for one message, and what this Django reads of each. */
const DJANGO_LEGACY = `
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage, MessageEncoder
from django.http import SimpleCookie
from django.test import RequestFactory
from django.utils.crypto import salted_hmac
value = MessageEncoder(separators=(",", ":")).encode([Message(20, "legacy", extra_tags="old")])
forms = {
    "3.0": salted_hmac("django.contrib.messages", value, algorithm="sha1").hexdigest() + "$" + value,
    "3.1": CookieStorage(RequestFactory().get("/")).signer.sign(value),
}
result = {}
for name, data in forms.items():
    cookie = SimpleCookie()
    cookie["messages"] = data
    header = cookie.output(header="").strip()
    storage = CookieStorage(RequestFactory().get("/", HTTP_COOKIE=header))
    result[name] = {"header": header, "seen": [[m.level, m.message, m.extra_tags] for m in storage]}
`;

/** Set-Cookie without the signed value (its timestamp differs by the second). */
const shape = (cookies: string[]) => cookies.map((c) => c.replace(/^messages=[^;]*/, "messages=…"));

for (const version of DJANGO_VERSIONS) {
  describe(`messages cookie attributes with Django ${version}`, () => {
    for (const variant of VARIANTS) {
      test(`set and deleted as Django does: ${JSON.stringify(variant)}`, slow, async () => {
        const settings = {
          SECRET_KEY,
          MESSAGE_STORAGE: COOKIE,
          djangoVersion: version,
          ...variant,
        };
        const session = () => new SignedCookieBackend(settings).getSession(null);
        const adding = requestMessages(session(), null);
        adding.info("hello");
        const set = await adding.commit();
        const dj = django(version, { SECRET_KEY });
        const expected = await dj.run<string[]>(DJANGO_COOKIES, {
          settings: variant,
          cookie: "",
          read: false,
        });
        assert.deepEqual(shape(set), shape(expected));
        const cookie = set[0].split(";")[0];
        const reading = requestMessages(session(), cookie);
        assert.equal((await reading.list())[0].message, "hello");
        const deleted = await reading.commit();
        assert.deepEqual(
          deleted,
          await dj.run(DJANGO_COOKIES, {
            settings: variant,
            cookie: expected[0].split(";")[0],
            read: true,
          }),
        );
      });
    }

    test(
      "cookies from Django 3.0 and 3.1: read exactly when this Django reads them",
      slow,
      async () => {
        const forms = await django(version, { SECRET_KEY }).run<
          Record<string, { header: string; seen: unknown[] }>
        >(DJANGO_LEGACY);
        for (const [form, { header, seen }] of Object.entries(forms)) {
          const settings = { SECRET_KEY, MESSAGE_STORAGE: COOKIE, djangoVersion: version };
          const messages = requestMessages(
            new SignedCookieBackend(settings).getSession(null),
            header,
          );
          const listed = (await messages.list()).map((m) => [m.level, m.message, m.extraTags]);
          assert.deepEqual(listed, seen, `Django ${form} cookie`);
        }
        if (version === "3.2") assert.equal(forms["3.0"].seen.length + forms["3.1"].seen.length, 2);
      },
    );

    test(
      "an unreadable cookie: CookieStorage deletes it, FallbackStorage leaves it",
      slow,
      async () => {
        const forged = "messages=W10:1r31eq:forged";
        const cookieOnly = requestMessages(
          new SignedCookieBackend({ SECRET_KEY, MESSAGE_STORAGE: COOKIE, djangoVersion: version })
            .getSession(null),
          forged,
        );
        assert.equal(await cookieOnly.count(), 0);
        assert.equal(cookieOnly.used, true);
        const dj = django(version, { SECRET_KEY });
        const djangoDeletes = await dj.run<string[]>(
          DJANGO_COOKIES.replace("list(storage)", "len(storage)"),
          {
            settings: {},
            cookie: forged,
            read: true,
          },
        );
        assert.deepEqual(await cookieOnly.commit(), djangoDeletes);
        assert.equal(djangoDeletes.length, 1);
        const fallback = requestMessages(
          new SignedCookieBackend({ SECRET_KEY, MESSAGE_STORAGE: FALLBACK }).getSession(null),
          forged,
        );
        assert.equal(await fallback.count(), 0);
        assert.deepEqual(await fallback.commit(), []);
      },
    );
  });
}
