/**
 * Issue 12, both directions on the same cookies with real Django 3.2/4.2/5.2/6.1: the `csrftoken`
 * cookie written alike (value format per release, every attribute, `Vary: Cookie`) and reset when
 * Django resets it; a form rendered by `withSession` accepted by Django's admin login and a form
 * Django rendered accepted by `withSession`; the cookie-domain Referer rule with a port; an old
 * masked cookie read by every release; `CSRF_USE_SESSIONS` on a shared signed-cookie session.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { maskCsrfSecret, newCsrfSecret } from "../../../src/csrf/mod.ts";
import {
  pair,
  type Probe,
  siteSettings,
  toDjango,
  tokenIn,
  toService,
  TRUSTED,
  valueOf,
} from "./_probe.ts";
import { service } from "./_service.ts";

after(closeDjangos);

/** A `Set-Cookie` with its value and date blanked: what must match between the two sides. */
const shape = (cookie: string | undefined) =>
  cookie?.replace(/^([^=]+)=[^;]*/, "$1=V").replace(/expires=[^;]*/, "expires=D");
const formPost = (cookie: string, fields: Record<string, string>, extra: Partial<Probe> = {}) => ({
  method: "POST",
  path: "/protected/",
  headers: { cookie, origin: "http://testserver" },
  body: new URLSearchParams(fields).toString(),
  contentType: "application/x-www-form-urlencoded",
  ...extra,
});

for (const version of DJANGO_VERSIONS) {
  const modern = version !== "3.2";
  describe(`CSRF cookies, Django ${version} and withSession`, () => {
    const extra = {
      CSRF_COOKIE_AGE: 600,
      CSRF_COOKIE_SECURE: true,
      CSRF_COOKIE_SAMESITE: "Strict" as const,
      CSRF_COOKIE_PATH: "/app",
      CSRF_COOKIE_NAME: "xsrf",
    };
    const site = django(version, siteSettings(version));
    const tuned = django(version, siteSettings(version, extra));
    const ours = service({ djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED });
    const oursTuned = service({ djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED, ...extra });

    test("the cookie Django writes, attribute for attribute, with Vary: Cookie", async () => {
      for (
        const [theirSite, mine, name] of [[site, ours, "csrftoken"], [
          tuned,
          oursTuned,
          "xsrf",
        ]] as const
      ) {
        const probe = { method: "GET", path: "/form/" };
        const [theirs, seen] = [await toDjango(theirSite, probe), await toService(mine, probe)];
        assert.equal(shape(seen.cookies[name]), shape(theirs.cookies[name]));
        assert.equal(valueOf(seen.cookies[name]).length, version === "3.2" ? 64 : 32);
        assert.match(theirs.vary!, /Cookie/);
        assert.match(seen.vary!, /Cookie/);
      }
    });

    test("a malformed cookie is replaced when Django replaces it", async () => {
      const bad = { cookie: `csrftoken=${"-".repeat(32)}` };
      for (
        const probe of [{ method: "GET", path: "/plain/", headers: bad }, formPost(bad.cookie, {})]
      ) {
        const [theirs, seen] = [await toDjango(site, probe), await toService(ours, probe)];
        // 4.0+ resets it at once; 3.2 only once the token is used.
        assert.equal("csrftoken" in theirs.cookies, modern);
        assert.equal("csrftoken" in seen.cookies, modern);
        assert.equal(seen.status, theirs.status);
      }
      const untouched = {
        method: "GET",
        path: "/plain/",
        headers: { cookie: `csrftoken=${newCsrfSecret()}` },
      };
      assert.deepEqual((await toService(ours, untouched)).cookies, {});
      assert.deepEqual((await toDjango(site, untouched)).cookies, {});
    });

    test("a form withSession renders logs in to Django's admin", async () => {
      await site.run(`from django.core.management import call_command
from django.contrib.auth.models import User
call_command("migrate", verbosity=0)
User.objects.filter(username="admin").exists() or User.objects.create_superuser("admin", "", "pw")`);
      const page = await toService(ours, { method: "GET", path: "/form/" });
      const cookie = pair(page.cookies.csrftoken);
      const fields = { csrfmiddlewaretoken: tokenIn(page.body), username: "admin", password: "pw" };
      const login = await toDjango(
        site,
        formPost(cookie, fields, { path: "/admin/login/?next=/admin/" }),
      );
      assert.equal(login.status, 302, login.body.slice(0, 300));
      assert.equal(login.location, "/admin/");
      // Django rotated the token at login: the old one is refused by both sides now.
      const rotated = pair(login.cookies.csrftoken);
      assert.notEqual(rotated, cookie);
      const stale = formPost(rotated, { csrfmiddlewaretoken: fields.csrfmiddlewaretoken });
      const refusal = modern
        ? "CSRF token from POST incorrect."
        : "CSRF token missing or incorrect.";
      assert.equal((await toDjango(site, stale)).reason, refusal);
      assert.equal((await toService(ours, stale)).reason, refusal);
      // A refused login form still comes back from Django's admin (CSRF passed, credentials not).
      const wrong = await toDjango(
        site,
        formPost(cookie, { ...fields, password: "no" }, { path: "/admin/login/" }),
      );
      assert.equal(wrong.status, 200);
    });

    test("a form Django rendered posts to withSession", async () => {
      const page = await toDjango(site, { method: "GET", path: "/form/" });
      const cookie = pair(page.cookies.csrftoken);
      const seen = await toService(
        ours,
        formPost(cookie, { csrfmiddlewaretoken: tokenIn(page.body) }),
      );
      assert.deepEqual([seen.status, seen.body], [200, "ok"]);
      // Tokens are masked afresh per page; each still unmasks to the cookie's secret.
      const again = tokenIn(
        (await toDjango(site, { method: "GET", path: "/form/", headers: { cookie } })).body,
      );
      assert.notEqual(again, tokenIn(page.body));
      assert.equal(
        (await toService(ours, formPost(cookie, { csrfmiddlewaretoken: again }))).status,
        200,
      );
    });

    test("a masked cookie from Django before 4.1 is read by every release", async () => {
      const secret = newCsrfSecret();
      const probe = formPost(`csrftoken=${maskCsrfSecret(secret)}`, {
        csrfmiddlewaretoken: maskCsrfSecret(secret),
      });
      assert.equal((await toDjango(site, probe)).status, 200);
      assert.equal((await toService(ours, probe)).status, 200);
    });
  });

  describe(`CSRF_COOKIE_DOMAIN and the Referer, Django ${version}`, () => {
    const domain = { CSRF_COOKIE_DOMAIN: ".example.com" };
    const site = django(version, siteSettings(version, domain));
    const ours = service({ djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED, ...domain });

    test("a referer the cookie domain reaches passes, on the server's port only", async () => {
      const secret = newCsrfSecret();
      const results: string[] = [];
      for (
        const [referer, port] of [
          ["https://shop.example.com/", "443"],
          ["https://example.com/", "443"],
          ["https://shop.example.com:8443/", "8443"],
          ["https://shop.example.com/", "8443"],
          ["https://example.org/", "443"],
          ["https://shop.example.com.evil/", "443"],
        ]
      ) {
        const probe = formPost(`csrftoken=${secret}`, {
          csrfmiddlewaretoken: maskCsrfSecret(secret),
        }, {
          secure: true,
          host: "www.example.com",
          serverPort: port,
          headers: { cookie: `csrftoken=${secret}`, referer },
        });
        const [theirs, seen] = [await toDjango(site, probe), await toService(ours, probe)];
        assert.deepEqual(
          [seen.status, seen.reason],
          [theirs.status, theirs.reason],
          `${referer} on ${port}`,
        );
        results.push(`${theirs.status}`);
      }
      assert.deepEqual(results, ["200", "200", "200", "403", "403", "403"]);
    });
  });

  describe(`CSRF_USE_SESSIONS on a shared signed-cookie session, Django ${version}`, () => {
    const sessions = { CSRF_USE_SESSIONS: true };
    const site = django(version, siteSettings(version, sessions));
    const ours = service({ djangoVersion: version, CSRF_TRUSTED_ORIGINS: TRUSTED, ...sessions });

    test("the secret travels in the session, both ways", async () => {
      for (
        const [from, to] of [[toDjango.bind(null, site), toService.bind(null, ours)], [
          toService.bind(null, ours),
          toDjango.bind(null, site),
        ]]
      ) {
        const page = await from({ method: "GET", path: "/form/" });
        assert.equal(page.cookies.csrftoken, undefined);
        const cookie = pair(page.cookies.sessionid);
        const token = tokenIn(page.body);
        assert.equal((await to(formPost(cookie, { csrfmiddlewaretoken: token }))).status, 200);
        const forged = await to(
          formPost(cookie, { csrfmiddlewaretoken: maskCsrfSecret(newCsrfSecret()) }),
        );
        assert.equal(forged.status, 403);
      }
      const none = formPost("", { csrfmiddlewaretoken: maskCsrfSecret(newCsrfSecret()) });
      const [theirs, seen] = [await toDjango(site, none), await toService(ours, none)];
      assert.deepEqual([seen.status, seen.reason], [theirs.status, theirs.reason]);
      assert.equal(seen.reason, "CSRF cookie not set.");
    });
  });
}
