/**
 * The shared steps of the adapters with a mutable response: `openRequestLine` on Node's header
 * object, `closeHeaders` merging the messages', CSRF and session cookies in Django's order, and
 * answering at once when nothing is saved.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeHeaders, openRequestLine } from "../../../src/adapters/request.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";

const backend = new SignedCookieBackend({ SECRET_KEY: "k", CSRF_USE_SESSIONS: false });
const line = (headers: Record<string, string>, method = "GET") => ({
  method,
  url: "http://shop.example/",
  headers,
  formToken: null,
});

describe("closeHeaders", () => {
  test("keeps the handler's cookies and adds messages, CSRF and session in Django's order", async () => {
    const open = await openRequestLine(line({}), { backend }, false);
    open.csrf.csrf.token();
    open.messages.info("saved");
    (await open.session.load()).set("cart", [1]);
    const current = { "set-cookie": ["theme=dark", "csrftoken=handler"], vary: "Accept" };
    const updates = await closeHeaders(open, 200, (h) => current[h]);
    const cookies = new Map(updates).get("set-cookie") as string[];
    assert.deepEqual(cookies.map((c) => c.split("=")[0]), [
      "theme",
      "messages",
      "csrftoken",
      "sessionid",
    ]);
    assert.notEqual(cookies[2], "csrftoken=handler");
    assert.equal(new Map(updates).get("vary"), "Accept, Cookie");
  });

  test("answers without a promise when nothing is saved", async () => {
    const open = await openRequestLine(line({}), { backend }, false);
    (await open.session.load()).get("cart"); // read: Django varies on Cookie
    const updates = closeHeaders(open, 200, () => undefined);
    assert.ok(Array.isArray(updates));
    assert.deepEqual(updates, [["vary", "Cookie"]]);
  });

  test("refuses an unsafe request from Node's header object with Django's reason", async () => {
    const open = await openRequestLine(
      line({ origin: "http://shop.example" }, "POST"),
      { backend },
      false,
    );
    assert.deepEqual(open.csrf.ok ? null : open.csrf.reason, "CSRF cookie not set.");
  });

  test("leaves an upgrade alone", async () => {
    const open = await openRequestLine(line({}), { backend }, false);
    open.csrf.csrf.token();
    assert.deepEqual(await closeHeaders(open, 101, () => undefined), []);
  });
});
