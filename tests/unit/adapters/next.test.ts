// nextSession with Next's own cookie stores and requests (next/server's NextRequest and
// NextResponse, whose cookies are the stores `cookies()` wraps): what a Server Action's save()
// writes through them (the messages cookie's deletion too), byte for byte as Next serialises it,
// and what it refuses. The app built and
// served by Next, against Django, is tests/interop/adapters/next.test.ts.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { NextRequest, NextResponse } from "next/server.js";
import { nextSession } from "../../../src/adapters/next.ts";
import { rotateCsrfToken } from "../../../src/csrf/rotate.ts";
import { requestMessages } from "../../../src/messages/request_messages.ts";
import { SqliteBackend } from "../../../src/stores/sqlite.ts";
import { createSqliteSessionTable } from "../../../src/stores/sqlite_schema.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import { openSqlite } from "../../_sqlite.ts";

const SECRET_KEY = "django-insecure-next-unit";
const db = await openSqlite(":memory:");
createSqliteSessionTable(db);
after(() => db.close());
const { read, save, route } = nextSession({ backend: new SqliteBackend(db, { SECRET_KEY }) });

test("save() sets the session cookie with Django's attributes through Next's cookies().set", async () => {
  const response = NextResponse.next();
  const { session } = await read(response.cookies);
  (await session.load()).set("cart", [1]);
  await save(session, response.cookies);
  const [line] = response.headers.getSetCookie();
  assert.match(
    line,
    /^sessionid=[a-z0-9]{32}; Path=\/; Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; Max-Age=1209600; HttpOnly; SameSite=Lax$/,
  );
});

test("save() after login's rotate_token also sets the new CSRF cookie; a flush deletes the session's", async () => {
  const first = NextResponse.next();
  const { session } = await read(first.cookies);
  (await session.load()).set("a", 1);
  await save(session, first.cookies);
  const key = first.cookies.get("sessionid")!.value;

  const response = NextResponse.next();
  const request = new NextRequest("http://localhost/", {
    headers: { cookie: `sessionid=${key}; csrftoken=${"x".repeat(32)}` },
  });
  const opened = await read(request.cookies);
  rotateCsrfToken(opened.session);
  await opened.session.flush();
  await save(opened.session, response.cookies);
  const lines = response.headers.getSetCookie();
  assert.match(
    lines[0],
    /^csrftoken=\w{32}; Path=\/; Expires=[^;]+; Max-Age=31449600; SameSite=Lax$/,
  );
  assert.notEqual(response.cookies.get("csrftoken")!.value, "x".repeat(32));
  assert.equal(
    lines[1],
    "sessionid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; SameSite=Lax",
  );
});

test("save() refuses a signed-cookie session, which Next would send percent-encoded", async () => {
  const signed = nextSession({ backend: new SignedCookieBackend({ SECRET_KEY }) });
  const store = NextResponse.next().cookies;
  const { session } = await signed.read(store);
  (await session.load()).set("cart", [1]);
  await assert.rejects(signed.save(session, store), { code: "IMPROPERLY_CONFIGURED" });
  assert.equal(store.get("sessionid"), undefined);
});

test("a Server Action under FallbackStorage: listing deletes the messages cookie, adding is refused", async () => {
  const django = requestMessages(new SqliteBackend(db, { SECRET_KEY }).getSession(null), null);
  django.success("Saved");
  const [cookie] = await django.commit(); // the messages cookie as Django sets it
  const request = new NextRequest("http://localhost/", {
    headers: { cookie: cookie.split(";")[0] },
  });
  const response = NextResponse.next();
  const listed = await read(request.cookies);
  assert.deepEqual((await listed.messages.list()).map((m) => m.message), ["Saved"]);
  await save(listed.session, response.cookies);
  assert.deepEqual(response.headers.getSetCookie(), [
    "messages=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; SameSite=Lax",
  ]);

  const store = NextResponse.next().cookies;
  const adding = await read(store);
  adding.messages.info("Next's cookies().set would alter the signed value");
  await assert.rejects(save(adding.session, store), { code: "IMPROPERLY_CONFIGURED" });
  assert.equal(store.get("messages"), undefined);
});

test("proxy(request, { messages: true }) takes the messages for the render and deletes Django's cookie", async () => {
  const django = requestMessages(new SqliteBackend(db, { SECRET_KEY }).getSession(null), null);
  django.success("Saved");
  const [cookie] = await django.commit(); // the messages cookie as Django sets it (fallback)
  const { proxy } = nextSession({ backend: new SqliteBackend(db, { SECRET_KEY }) });
  const headers = { cookie: cookie.split(";")[0] };
  const response = await proxy(new NextRequest("http://localhost/", { headers }), {
    messages: true,
  });
  assert.deepEqual(response.headers.getSetCookie(), [
    'messages=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax',
  ]);
  // What the render's cookies() holds: the request Next forwards with the proxy's cookies.
  const forwarded = response.headers.get("x-middleware-request-cookie")!;
  const page = await read(
    new NextRequest("http://localhost/", { headers: { cookie: forwarded } }).cookies,
  );
  assert.deepEqual((await page.messages.list()).map((m) => m.message), ["Saved"]);
  // A prefetch takes nothing: the stored messages wait for the navigation.
  const prefetch = await proxy(
    new NextRequest("http://localhost/", { headers: { ...headers, "next-router-prefetch": "1" } }),
    { messages: true },
  );
  assert.deepEqual(prefetch.headers.getSetCookie(), []);
});

test("save() refuses a session read() did not give", async () => {
  const session = new SignedCookieBackend({ SECRET_KEY }).getSession(null);
  await assert.rejects(save(session, NextResponse.next().cookies), {
    code: "IMPROPERLY_CONFIGURED",
  });
});

test("csrfToken() of a request without the CSRF cookie fails, since a render cannot set it", async () => {
  const { csrfToken } = await read(new NextRequest("http://localhost/").cookies);
  assert.throws(() => csrfToken(), { code: "IMPROPERLY_CONFIGURED" });
});

test("route(): a Server Component's token passes the handler's CSRF check; params pass through", async () => {
  const secret = "k".repeat(32); // "b" × 64 unmasks to "a" × 32
  const cookie = `csrftoken=${secret}`;
  const { csrfToken } = await read(
    new NextRequest("http://localhost/", { headers: { cookie } })
      .cookies,
  );
  const POST = route(async (_request, { params }) => Response.json(await params));
  const post = (token: string) =>
    POST(
      new NextRequest("http://localhost/items/7", {
        method: "POST",
        headers: { cookie, origin: "http://localhost" },
        body: new URLSearchParams({ csrfmiddlewaretoken: token }),
      }),
      { params: Promise.resolve({ id: "7" }) },
    );
  const accepted = await post(csrfToken());
  assert.deepEqual(await accepted.json(), { id: "7" });
  const refused = await post("b".repeat(64));
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /CSRF token from POST incorrect\./);
});
