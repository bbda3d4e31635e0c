/**
 * Signed-cookie sessions against Django's own `signed_cookies.SessionStore`: values either side
 * signed load on the other, with the same age, tamper and size rules.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { SignedCookieBackend, SignedCookieStore } from "../../../src/stores/signed_cookies.ts";
import { BadSignature, CookieTooLarge } from "../../../src/errors.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";

/** Bun stops a test after 5 s; starting Django on a busy machine can take longer. */
const slow = { timeout: 60_000 };

const SECRET_KEY = "django-insecure-test-key"; // the bridge's default
const oldKey = "django-insecure-old-key";

after(closeDjangos);

/** Django signs `args.data`, `args.ago` seconds in the past (its clock moved back for the call). */
const DJANGO_SIGNS = `
import time
from unittest import mock
from django.contrib.sessions.backends.signed_cookies import SessionStore
with mock.patch("django.core.signing.time.time", return_value=time.time() - args["ago"]):
    s = SessionStore()
    s.update(args["data"])
    s.save()
result = s.session_key
`;

/** Django loads a cookie value: `[data, whether it was accepted]` (a rejected one starts anew). */
const DJANGO_LOADS = `
from django.contrib.sessions.backends.signed_cookies import SessionStore
s = SessionStore(args)
data = s.load()
result = [data, not s.modified]
`;

/** Random base64 text: zlib saves little on it, so the cookie grows with it. */
function incompressible(length: number): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(length)))).slice(
    0,
    length,
  );
}

for (const version of DJANGO_VERSIONS) {
  describe(`Django ${version} signed_cookies`, () => {
    const dj = (settings: Record<string, unknown> = {}) =>
      django(version, {
        SESSION_ENGINE: "django.contrib.sessions.backends.signed_cookies",
        ...settings,
      });
    const store = new SignedCookieStore({ SECRET_KEY });

    test("a cookie Django signed loads here", slow, async () => {
      const data = { user: "alice", é: "ü", cart: [1, 2.5, null, true] };
      const cookie = await dj().run<string>(DJANGO_SIGNS, { data, ago: 0 });
      assert.deepEqual(await store.load(cookie), data);
    });

    test("a cookie signed here loads in Django, compressed or not", slow, async () => {
      for (const data of [{ n: 1 }, { long: "ab".repeat(500) }]) {
        const cookie = await store.create(data);
        assert.equal(cookie.startsWith("."), "long" in data, "zlib only when it pays");
        assert.deepEqual(await dj().run(DJANGO_LOADS, cookie), [data, true]);
      }
    });

    test("a session saved here round-trips through Django and back", slow, async () => {
      const backend = new SignedCookieBackend({ SECRET_KEY });
      const session = await backend.getSession(
        await dj().run<string>(DJANGO_SIGNS, { data: { visits: 1 }, ago: 0 }),
      ).load();
      session.set("visits", session.get("visits") as number + 1);
      assert.equal(await session.save(), true);
      assert.deepEqual(await dj().run(DJANGO_LOADS, session.key), [{ visits: 2 }, true]);
    });

    test("the cookie's age is checked against cookieAge, here as in Django", slow, async () => {
      const cookie = await dj().run<string>(DJANGO_SIGNS, { data: { n: 1 }, ago: 100 });
      assert.equal(
        await new SignedCookieStore({ SECRET_KEY, SESSION_COOKIE_AGE: 50 }).load(cookie),
        null,
      );
      assert.deepEqual(
        await new SignedCookieStore({ SECRET_KEY, SESSION_COOKIE_AGE: 200 }).load(cookie),
        {
          n: 1,
        },
      );
      assert.deepEqual(await dj({ SESSION_COOKIE_AGE: 50 }).run(DJANGO_LOADS, cookie), [{}, false]);
      assert.deepEqual(await dj({ SESSION_COOKIE_AGE: 200 }).run(DJANGO_LOADS, cookie), [
        { n: 1 },
        true,
      ]);
    });

    test("tampered, foreign-salt and garbage values read as no session", slow, async () => {
      const cookie = await store.create({ admin: false });
      const [payload, time, signature] = cookie.split(":");
      const forged = `${btoa('{"admin":true}').replaceAll("=", "")}:${time}:${signature}`;
      const dbData = await dj().run<string>(
        `from django.contrib.sessions.backends.db import SessionStore
result = SessionStore().encode({"admin": True})`,
      );
      for (
        const bad of [
          forged,
          `${payload}:${time}:${signature}x`,
          dbData,
          "",
          ":::",
          "x".repeat(5000),
        ]
      ) {
        const reasons: Error[] = [];
        const told = new SignedCookieStore({ SECRET_KEY }, { onCorrupt: (e) => reasons.push(e) });
        assert.equal(await told.load(bad), null, bad.slice(0, 40));
        assert.ok(reasons[0] instanceof BadSignature, bad.slice(0, 40));
        assert.deepEqual(await dj().run(DJANGO_LOADS, bad), [{}, false]);
      }
    });

    test("past the browser's 4096 bytes, saving throws CookieTooLarge", slow, async () => {
      const fits = { blob: incompressible(3800) };
      const cookie = await store.create(fits);
      assert.ok("sessionid=".length + cookie.length <= 4096, `${cookie.length}`);
      assert.deepEqual(await dj().run(DJANGO_LOADS, cookie), [fits, true]);
      await assert.rejects(store.create({ blob: incompressible(5000) }), CookieTooLarge);
      const tight = new SignedCookieStore({ SECRET_KEY }, { maxCookieSize: cookie.length + 9 });
      await assert.rejects(tight.update(cookie, fits), CookieTooLarge);
    });
  });
}

for (const version of ["4.2", "5.2"] as const) {
  test(
    `Django ${version}: a cookie signed with a retired key loads with SECRET_KEY_FALLBACKS`,
    slow,
    async () => {
      const cookie = await django(version, { SECRET_KEY: oldKey }).run<string>(DJANGO_SIGNS, {
        data: { n: 1 },
        ago: 0,
      });
      assert.equal(await new SignedCookieStore({ SECRET_KEY }).load(cookie), null);
      const rotated = new SignedCookieStore({ SECRET_KEY, SECRET_KEY_FALLBACKS: [oldKey] });
      assert.deepEqual(await rotated.load(cookie), { n: 1 });
      const djangoRotated = django(version, { SECRET_KEY_FALLBACKS: [oldKey] });
      assert.deepEqual(await djangoRotated.run(DJANGO_LOADS, cookie), [{ n: 1 }, true]);
    },
  );
}
