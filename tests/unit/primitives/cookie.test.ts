// The cookie string layer on input no browser sends (Django's answers on the usual input are in
// tests/interop/primitives/cookie_django.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCookie } from "../../../src/primitives/cookie.ts";

test("a huge header parses without throwing and keeps the last duplicate", () => {
  const cookies = parseCookie("junk;".repeat(200_000) + "sessionid=a; sessionid=b");
  assert.equal(cookies.get("sessionid"), "b");
});
