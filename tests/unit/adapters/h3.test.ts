// The h3 v2 path's header handling, through h3's own request entry (`app.request`, no port, no
// Django): h3 merges the headers it prepared over whatever the handler returns, so the commit must
// write there and read both — a Response's own Vary, an immutable Response, a handler's own session
// cookie, a 4xx Response (whose merge uses h3's error headers); a read's lone Vary goes on the
// handler's Response itself, which h3 then answers as it is. And the CSRF URL behind a proxy.
import { test } from "node:test";
import assert from "node:assert/strict";
import { H3, html, setCookie } from "h3";
import { djangoSession } from "../../../src/adapters/h3.ts";
import { csrfUrl } from "../../../src/adapters/h3_event.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";

const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-h3-unit" });
const django = djangoSession({ backend });
const app = new H3().use(django);
const touch = async (event: { context: object }) =>
  (await django.context(event).session.load()).set("n", 1);

app.get("/response", async (event) => {
  await touch(event);
  event.res.headers.set("vary", "Accept");
  return new Response("x", { headers: { vary: "Accept-Encoding", "set-cookie": "a=1" } });
});
app.get("/immutable", async (event) => (await touch(event), Response.redirect("http://x/", 302)));
app.get("/own-cookie", async (event) => {
  await touch(event);
  setCookie(event, "sessionid", "handler-set");
  return html`<p>hi</p>`;
});
app.get("/not-found", async (event) => {
  await touch(event);
  return new Response("gone", { status: 404 });
});
/** The Response each `/read…` handler returned last, to tell whether h3 answered it or a copy. */
let returned: Response | undefined;
const read = async (event: { context: object }) =>
  void (await django.context(event).session.load()).get("n");
app.get("/read", async (event) => {
  await read(event);
  return returned = new Response("r", { headers: { vary: "Accept-Encoding" } });
});
app.get("/read-prepared-vary", async (event) => {
  await read(event);
  event.res.headers.set("vary", "Accept");
  return returned = new Response("r");
});
app.get("/read-immutable", async (event) => {
  await read(event);
  return returned = Response.redirect("http://x/", 302);
});

const sessionCookies = (response: Response) =>
  response.headers.getSetCookie().filter((c) => c.startsWith("sessionid="));

test("a Response's own Vary and cookies are kept, h3's prepared Vary extended", async () => {
  const response = await app.request("/response");
  assert.equal(response.headers.get("vary"), "Accept, Cookie");
  assert.ok(response.headers.getSetCookie().includes("a=1"));
  assert.equal(sessionCookies(response).length, 1);
});

test("an immutable Response (Response.redirect) carries the cookie", async () => {
  const response = await app.request("/immutable");
  assert.equal(response.status, 302);
  assert.equal(sessionCookies(response).length, 1);
});

test("the handler's own session cookie is replaced, as Django's cookie dict does", async () => {
  const response = await app.request("/own-cookie");
  const [cookie, ...more] = sessionCookies(response);
  assert.deepEqual(more, []);
  assert.doesNotMatch(cookie, /handler-set/);
});

test("a 4xx Response is committed (Django saves below 500)", async () => {
  const response = await app.request("/not-found");
  assert.equal(response.status, 404);
  assert.equal(sessionCookies(response).length, 1);
  assert.equal(response.headers.get("vary"), "Cookie");
});

test("a read's lone Vary goes on the handler's Response itself, which h3 answers as it is", async () => {
  const response = await app.request("/read");
  assert.equal(response, returned);
  assert.equal(response.headers.get("vary"), "Accept-Encoding, Cookie");
  assert.deepEqual(response.headers.getSetCookie(), []);
});

test("a read's Vary joins a Vary h3 prepared, and reaches an immutable Response", async () => {
  const prepared = await app.request("/read-prepared-vary");
  assert.notEqual(prepared, returned);
  assert.equal(prepared.headers.get("vary"), "Accept, Cookie");
  const redirect = await app.request("/read-immutable");
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.get("vary"), "Cookie");
});

test("the CSRF URL is https when X-Forwarded-Proto says so, and only then", () => {
  const url = new URL("http://shop.example/cart?x=1");
  assert.equal(csrfUrl(url, "https").href, "https://shop.example/cart?x=1");
  assert.equal(csrfUrl(url, "http"), url);
  assert.equal(csrfUrl(url, null), url);
});
