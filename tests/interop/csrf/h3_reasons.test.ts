/**
 * Issue 12 for the h3 adapter: the CSRF parity table (tests/interop/csrf/_probes.ts) against real
 * Django 3.2/4.2/5.2/6.1 and the h3 middleware behind real h3 v2 and h3 v1 servers on a port —
 * Django's own tokens accepted, forged, missing and wrong-origin requests refused with Django's
 * status and reason; the form token read from urlencoded and multipart bodies.
 */
import { after, before, describe, test } from "node:test";
import { H3 } from "h3";
import * as v1 from "h3-v1";
import { djangoSession, type H3SessionOptions } from "../../../src/adapters/h3.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { freePort } from "../../../examples/_launch.ts";
import { closeDjangos, django, DJANGO_VERSIONS, type DjangoVersion } from "../../_django.ts";
import { SECRET_KEY } from "../../_sqlite.ts";
import { type Listening, listenV1, listenV2 } from "../adapters/_h3_listen.ts";
import { overHttp, siteSettings, toService, TRUSTED } from "./_probe.ts";
import { assertParity } from "./_probes.ts";

after(closeDjangos);

/** The twin of tests/django/csrf_site.py: /form/ renders the token, the others answer "ok". */
function page(url: URL, csrfToken: () => string): Response {
  if (url.pathname !== "/form/") return new Response("ok");
  const input = `<input type="hidden" name="csrfmiddlewaretoken" value="${csrfToken()}">`;
  return new Response(`<form method="post">${input}</form>`);
}

function options(version: DjangoVersion): H3SessionOptions {
  return {
    backend: new SignedCookieBackend({
      SECRET_KEY,
      djangoVersion: version,
      CSRF_TRUSTED_ORIGINS: TRUSTED,
    }),
    csrfExempt: (url) => url.pathname === "/exempt/",
    csrfFailure: (error) => new Response(error.reason, { status: 403 }),
  };
}

const SERVERS = {
  "h3 v2": (version: DjangoVersion, port: number) => {
    const django = djangoSession(options(version));
    const app = new H3().use(django).use((event) =>
      page(event.url, django.context(event).csrfToken)
    );
    return listenV2(app, port);
  },
  "h3 v1": (version: DjangoVersion, port: number) => {
    const django = djangoSession(options(version));
    const app = v1.createApp({ onError: django.onError }).use(django);
    app.use(
      v1.defineEventHandler((event) =>
        page(new URL(event.path, "http://localhost"), django.context(event).csrfToken)
      ),
    );
    return listenV1(app, port);
  },
};

for (const version of DJANGO_VERSIONS) {
  for (const [name, start] of Object.entries(SERVERS)) {
    describe(`CSRF reasons, Django ${version} and ${name}`, () => {
      const site = django(version, siteSettings(version));
      let server: Listening;
      let port = 0;
      before(async () => (server = await start(version, port = await freePort())));
      after(() => server.close());

      test("every request gets the same answer and reason from both", async () => {
        const statuses = await assertParity(
          site,
          version,
          (probe) => toService(overHttp(port), probe),
        );
        console.log(`Django ${version}, ${name}:\n  ${statuses.join("\n  ")}`);
      });
    });
  }
}
