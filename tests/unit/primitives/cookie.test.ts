// The cookie string layer on input no browser sends (Django's answers on the usual input are in
// tests/interop/primitives/cookie_django.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCookie, requestCookie } from "../../../src/primitives/cookie.ts";

test("a huge header parses without throwing and keeps the last duplicate", () => {
  const cookies = parseCookie("junk;".repeat(200_000) + "sessionid=a; sessionid=b");
  assert.equal(cookies.get("sessionid"), "b");
});

test("requestCookie reads what parseCookie reads, whichever header came before", () => {
  const headers = [
    "sessionid=abc; csrftoken=x",
    'sessionid=abc; sessionid=def; messages="m\\"1"',
    "sessionid=abc; csrftoken=x",
    "csrftoken=y",
    "",
  ];
  for (const header of [...headers, ...headers.toReversed()]) {
    for (const name of ["sessionid", "csrftoken", "messages", "missing"]) {
      assert.equal(requestCookie(header, name), parseCookie(header).get(name), `${header} ${name}`);
    }
  }
  assert.equal(requestCookie(null, "sessionid"), undefined);
  assert.equal(requestCookie(undefined, "sessionid"), undefined);
});
