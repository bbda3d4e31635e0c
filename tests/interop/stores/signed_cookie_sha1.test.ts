/**
 * Signed-cookie sessions on a Django 3.2 site with `DEFAULT_HASHING_ALGORITHM = "sha1"` (issue 14,
 * point 4): Django's cookies load here and ours load in Django, both ways, sha1-signed as that site
 * writes them. (The setting exists only in Django 3.1/3.2; 4.0+ signs with sha256 alone.)
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";

const SECRET_KEY = "django-insecure-test-key"; // the bridge's default
after(closeDjangos);

const DJANGO_SIGNS = `
from django.contrib.sessions.backends.signed_cookies import SessionStore
s = SessionStore()
s.update(args)
s.save()
result = s.session_key
`;
const DJANGO_LOADS = `
from django.contrib.sessions.backends.signed_cookies import SessionStore
s = SessionStore(args)
result = [s.load(), not s.modified]
`;

for (const version of DJANGO_VERSIONS.filter((v) => v === "3.2")) {
  const dj = django(version, {
    SESSION_ENGINE: "django.contrib.sessions.backends.signed_cookies",
    DEFAULT_HASHING_ALGORITHM: "sha1",
  });
  const backend = new SignedCookieBackend({
    SECRET_KEY,
    DEFAULT_HASHING_ALGORITHM: "sha1",
    djangoVersion: "3.2",
  });

  test(`Django ${version} (sha1): its signed-cookie sessions load here`, async () => {
    const data = { _auth_user_id: "1", cart: [1, 2] };
    const cookie = await dj.run<string>(DJANGO_SIGNS, data);
    const session = await backend.getSession(cookie).load();
    assert.deepEqual(Object.fromEntries(session.entries()), data);
  });

  test(`Django ${version} (sha1): ours load in Django, and a sha256 cookie does not`, async () => {
    const session = await backend.getSession().load();
    session.set("visits", 3);
    await session.save();
    assert.deepEqual(await dj.run(DJANGO_LOADS, session.key), [{ visits: 3 }, true]);
    const sha256 = await new SignedCookieBackend({ SECRET_KEY, djangoVersion: "3.2" }).getSession()
      .load();
    sha256.set("visits", 3);
    await sha256.save();
    assert.deepEqual(await dj.run(DJANGO_LOADS, sha256.key), [{}, false]);
  });
}
