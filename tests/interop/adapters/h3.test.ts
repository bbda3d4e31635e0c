// The h3 middleware through real h3 servers on a port — h3 v2 (`serve`, srvx on this runtime) and
// h3 v1 (`toNodeListener` on node:http) — with real Django on one PostgreSQL schema and one SQLite
// file (tests/interop/adapters/_node_frameworks.ts), plus what is h3's own: v1's `sendRedirect`
// and `sendStream` end the response before any hook, a redirect that saves, `loginRequired`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { H3, HTTPError, redirect } from "h3";
import * as v1 from "h3-v1";
import { djangoSession, loginRequired } from "../../../src/adapters/h3.ts";
import type { H3SessionOptions } from "../../../src/adapters/h3.ts";
import type { Session } from "../../../src/session/session.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { freePort } from "../../../examples/_launch.ts";
import { type Listening, listenV1, listenV2 } from "./_h3_listen.ts";
import { djangoLocation } from "../auth/_login_redirect.ts";
import { closeDjangos } from "../../_django.ts";
import { nodeFrameworkCases, type Page, pageError, type PageHandler } from "./_node_frameworks.ts";

after(closeDjangos);

type Pages = Record<string, PageHandler>;
type Options = H3SessionOptions<Record<string, unknown>, unknown>;

const stream = (chunks: string[]) =>
  new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

/** h3 v2: the middleware, then one handler answering every page the h3 v2 way. */
async function serveV2(options: Options, pages: Pages, port: number): Promise<Listening> {
  const django = djangoSession(options);
  const app = new H3().use(django);
  app.get("/guarded", () => "secret", { middleware: [loginRequired()] });
  app.use(async (event) => {
    const { session, user } = django.context(event);
    const page = await pages[event.url.pathname]?.(session, user, event.url.searchParams);
    if (!page) return undefined;
    if (page.fail) throw new HTTPError({ status: page.status, cause: pageError(page) });
    if (page.vary) event.res.headers.set("vary", page.vary);
    if (page.redirect) return redirect(page.redirect);
    event.res.status = page.status ?? 200;
    return page.stream ? stream(page.stream) : page.json;
  });
  return await listenV2(app, port);
}

/** h3 v1: `createApp({ onError })`, the middleware, a handler with v1's own send functions. */
async function serveV1(options: Options, pages: Pages, port: number): Promise<Listening> {
  const django = djangoSession(options);
  const app = v1.createApp({ onError: django.onError });
  app.use(django);
  app.use("/guarded", loginRequired());
  app.use(v1.defineEventHandler(async (event) => {
    const { session, user } = django.context(event);
    const url = new URL(event.path, "http://localhost");
    if (url.pathname === "/guarded") return "secret";
    const page: Page | undefined = await pages[url.pathname]?.(session, user, url.searchParams);
    if (!page) return undefined;
    if (page.fail) throw pageError(page);
    if (page.vary) v1.setResponseHeader(event, "vary", page.vary);
    if (page.redirect) return v1.sendRedirect(event, page.redirect);
    v1.setResponseStatus(event, page.status ?? 200);
    if (page.stream) return v1.sendStream(event, Readable.from(page.stream));
    return page.json;
  }));
  return await listenV1(app, port);
}

// The shared cases POST /logout without a CSRF token: they are about the session commit.
const exempt = (url: URL) => url.pathname === "/logout";
const SERVERS = { h3v2: serveV2, h3v1: serveV1 } as const;

for (const [name, start] of Object.entries(SERVERS)) {
  nodeFrameworkCases(
    name,
    (backend, user, pages, port) => start({ backend, user, csrfExempt: exempt }, pages, port),
  );
}

/** Pages of the h3-specific cases below. */
const PAGES: Pages = {
  "/saved-redirect": async (session) => {
    (await session.load()).set("redirected", true);
    return { redirect: "/next" };
  },
  "/read": async (session) => ({ json: (await session.load()).get("redirected") ?? null }),
};

for (const [name, start] of Object.entries(SERVERS)) {
  describe(`${name}: what is h3's own`, () => {
    const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-h3" });
    let server: Listening;
    before(async () => {
      // A "user" once /saved-redirect has run: enough for loginRequired to let the request in.
      const user = async (session: Session) =>
        (await session.load()).get("redirected") ? { username: "h3" } : null;
      server = await start({ backend, user }, PAGES, await freePort());
    });
    after(() => server.close());

    test("a redirect that writes the session saves it and carries the cookie", async () => {
      const response = await fetch(`${server.url}/saved-redirect`, { redirect: "manual" });
      assert.equal(response.status, 302);
      assert.equal(response.headers.get("location"), "/next");
      assert.equal(response.headers.get("vary"), "Cookie");
      const cookie = response.headers.get("set-cookie")!.split(";")[0];
      const read = await fetch(`${server.url}/read`, { headers: { cookie } });
      assert.equal(await read.json(), true);
    });

    test("loginRequired redirects an anonymous visitor to LOGIN_URL?next=", async () => {
      const response = await fetch(`${server.url}/guarded`, { redirect: "manual" });
      assert.equal(response.status, 302);
      assert.equal(
        response.headers.get("location"),
        await djangoLocation({ path: "/guarded", login: "/accounts/login/" }),
      );
    });

    test("loginRequired lets a logged-in visitor through", async () => {
      const saved = await fetch(`${server.url}/saved-redirect`, { redirect: "manual" });
      const cookie = saved.headers.get("set-cookie")!.split(";")[0];
      const response = await fetch(`${server.url}/guarded`, { headers: { cookie } });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "secret");
    });

    test("an unsafe request without a token is refused before the handler runs", async () => {
      const response = await fetch(`${server.url}/saved-redirect`, { method: "POST" });
      assert.equal(response.status, 403);
      assert.match(await response.text(), /CSRF cookie not set\./);
      assert.equal(response.headers.get("set-cookie"), null);
    });
  });
}
