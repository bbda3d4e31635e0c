// withCookie, the last step of a commit: Vary alone goes on the handler's response itself (a copy
// when its headers are immutable), a cookie on a copy with the same status and body.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withCookie } from "../../../src/http/mod.ts";

test("Vary alone is added to the handler's response, its own Vary kept", () => {
  const page = new Response("page", { headers: { vary: "Accept" } });
  assert.equal(withCookie(page, { setCookie: null, vary: true }, "sessionid"), page);
  assert.equal(page.headers.get("vary"), "Accept, Cookie");
});

test("a cookie goes on a copy, leaving the handler's response as it was", async () => {
  const shared = new Response("shared");
  const sent = withCookie(shared, { setCookie: "sessionid=abc", vary: true }, "sessionid");
  assert.notEqual(sent, shared);
  assert.equal(sent.headers.get("set-cookie"), "sessionid=abc");
  assert.equal(sent.headers.get("vary"), "Cookie");
  assert.equal(shared.headers.get("set-cookie"), null);
  assert.equal(await sent.text(), "shared");
});

// Response.redirect's headers are immutable on Deno and Node (so it is copied there), not on Bun.
test("Response.redirect gets Vary too, its status and Location kept", () => {
  const redirect = Response.redirect("http://shop.example/next", 302);
  const sent = withCookie(redirect, { setCookie: null, vary: true }, "sessionid");
  assert.equal(sent.status, 302);
  assert.equal(sent.headers.get("location"), "http://shop.example/next");
  assert.equal(sent.headers.get("vary"), "Cookie");
});
