// The helpers for frameworks with mutable responses (Fastify, Koa, Express): the session key from a
// raw Cookie header, and the Set-Cookie / Vary values to set from what commitHeaders decided.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type HeaderValue,
  sessionHeaderUpdates,
  sessionKeyOfHeader,
  withSessionCookie,
} from "../../../src/http/mod.ts";
import { djangoSettings } from "../../../src/settings/settings.ts";

const settings = djangoSettings({ SECRET_KEY: "k", SESSION_COOKIE_NAME: "sid" });

test("sessionKeyOfHeader reads the configured cookie, the last of duplicates, or null", () => {
  assert.equal(sessionKeyOfHeader("a=1; sid=x; sid=y", settings), "y");
  for (const none of [undefined, null, "", "sessionid=x"]) {
    assert.equal(sessionKeyOfHeader(none, settings), null);
  }
});

test("withSessionCookie replaces the handler's own session cookie and keeps the others", () => {
  assert.deepEqual(withSessionCookie(["sid=old; Path=/", "sidebar=1"], "sid=new", "sid"), [
    "sidebar=1",
    "sid=new",
  ]);
});

test("sessionHeaderUpdates reads Node-style values (absent, string, number, list)", () => {
  const from = (values: Record<string, HeaderValue>) => (h: string) => values[h];
  assert.deepEqual(sessionHeaderUpdates({ setCookie: null, vary: false }, from({}), "sid"), []);
  assert.deepEqual(
    sessionHeaderUpdates(
      { setCookie: "sid=k", vary: true },
      from({ "set-cookie": ["a=1", "sid=old"], vary: ["Accept", "Origin"] }),
      "sid",
    ),
    [["set-cookie", ["a=1", "sid=k"]], ["vary", "Accept, Origin, Cookie"]],
  );
  assert.deepEqual(
    sessionHeaderUpdates({ setCookie: "sid=k", vary: true }, from({ "set-cookie": "a=1" }), "sid"),
    [["set-cookie", ["a=1", "sid=k"]], ["vary", "Cookie"]],
  );
  assert.deepEqual(
    sessionHeaderUpdates({ setCookie: null, vary: true }, from({ vary: "cookie" }), "sid"),
    [["vary", "cookie"]],
  );
});
