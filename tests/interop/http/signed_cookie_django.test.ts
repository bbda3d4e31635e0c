/**
 * Signed-cookie sessions through the HTTP layer on both sides: Django's `SessionMiddleware` (with
 * `SESSION_ENGINE = signed_cookies`) and our `withSession` pass one browser's cookie back and forth.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { withSession } from "../../../src/http/with_session.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { CookieTooLarge } from "../../../src/errors.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";

/** Bun stops a test after 5 s; starting Django on a busy machine can take longer. */
const slow = { timeout: 60_000 };

const SECRET_KEY = "django-insecure-test-key"; // the bridge's default

after(closeDjangos);

/** One request through Django's middleware: the view reports the session, then applies `args`. */
const DJANGO_REQUEST = `
import json
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

def view(request):
    seen = dict(request.session)
    request.session.update(args["set"])
    if args["flush"]:
        request.session.flush()
    return HttpResponse(json.dumps(seen))

request = RequestFactory().get("/", HTTP_COOKIE=args["cookie"])
response = SessionMiddleware(view)(request)
morsel = response.cookies.get("sessionid")
result = [json.loads(response.content), morsel.OutputString() if morsel else None]
`;

/** Our server: the same view behind `withSession`. */
const ours = withSession(async (request, { session }) => {
  await session.load();
  const seen = Object.fromEntries(session.entries());
  const { set, flush } = JSON.parse(request.headers.get("x-do")!);
  session.update(set);
  if (flush) await session.flush();
  return Response.json(seen);
}, { backend: new SignedCookieBackend({ SECRET_KEY }) });

/** A browser's cookie jar for one cookie: what the next request sends. */
class Browser {
  cookie = "";

  /** Stores a Set-Cookie header's value (a deletion empties the jar). */
  receive(setCookie: string | null): void {
    if (setCookie === null) return;
    const value = setCookie.slice(setCookie.indexOf("=") + 1).split(";")[0].replace(/^"|"$/g, "");
    this.cookie = /Max-Age=0\b/i.test(setCookie) ? "" : `sessionid=${value}`;
  }
}

async function throughUs(browser: Browser, set: object, flush = false): Promise<object> {
  const response = await ours(
    new Request("http://localhost/", {
      headers: { cookie: browser.cookie, "x-do": JSON.stringify({ set, flush }) },
    }),
  );
  const [setCookie = null] = response.headers.getSetCookie();
  browser.receive(setCookie);
  return await response.json();
}

for (const version of DJANGO_VERSIONS) {
  describe(`Django ${version} SessionMiddleware and withSession share a signed cookie`, () => {
    const dj = django(version, {
      SESSION_ENGINE: "django.contrib.sessions.backends.signed_cookies",
    });
    async function throughDjango(browser: Browser, set: object, flush = false): Promise<object> {
      const [seen, setCookie] = await dj.run<[object, string | null]>(DJANGO_REQUEST, {
        cookie: browser.cookie,
        set,
        flush,
      });
      browser.receive(setCookie);
      return seen;
    }

    test("log in on Django, shop here, log out on Django, and back", slow, async () => {
      const browser = new Browser();
      assert.deepEqual(await throughDjango(browser, { _auth_user_id: "1" }), {});
      assert.deepEqual(await throughUs(browser, { cart: [7] }), { _auth_user_id: "1" });
      assert.deepEqual(await throughDjango(browser, {}, true), { _auth_user_id: "1", cart: [7] });
      assert.equal(browser.cookie, "", "Django deleted the cookie");
      assert.deepEqual(await throughUs(browser, { visits: 1 }), {});
      assert.deepEqual(await throughDjango(browser, {}), { visits: 1 });
      assert.deepEqual(await throughUs(browser, {}, true), { visits: 1 });
      assert.equal(browser.cookie, "", "we deleted the cookie");
      assert.deepEqual(await throughDjango(browser, {}), {});
    });

    test("a tampered cookie is a new session on both sides", slow, async () => {
      const browser = new Browser();
      await throughUs(browser, { admin: false });
      const last = browser.cookie.at(-1);
      const forged = new Browser();
      forged.cookie = browser.cookie.slice(0, -1) + (last === "A" ? "B" : "A");
      assert.deepEqual(await throughDjango(forged, {}), {});
      forged.cookie = browser.cookie.slice(0, -1) + (last === "A" ? "B" : "A");
      assert.deepEqual(await throughUs(forged, {}), {});
    });
  });
}

test(
  "a session grown past the cookie limit fails the request with CookieTooLarge",
  slow,
  async () => {
    const browser = new Browser();
    const blob = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(4000))));
    await assert.rejects(throughUs(browser, { blob }), CookieTooLarge);
  },
);
