// requestMessages on its own (no Django): levels, consume-on-iteration, what commit writes, and
// MESSAGE_STORAGE errors kept to the requests that use messages.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ImproperlyConfigured } from "../../../src/errors.ts";
import { DEBUG, INFO, requestMessages, SUCCESS, WARNING } from "../../../src/messages/mod.ts";
import { withSession } from "../../../src/adapters/fetch.ts";
import { SignedCookieBackend } from "../../../src/stores/signed_cookies.ts";
import type { DjangoSettingsInput } from "../../../src/settings/settings.ts";

const SECRET_KEY = "django-insecure-key";
const SESSION = "django.contrib.messages.storage.session.SessionStorage";
const backend = (extra: Partial<DjangoSettingsInput> = {}) =>
  new SignedCookieBackend({ SECRET_KEY, ...extra });

describe("requestMessages", () => {
  test("MESSAGE_LEVEL drops lower levels; level can be changed and reset", async () => {
    const messages = requestMessages(backend({ MESSAGE_LEVEL: SUCCESS }).getSession(null), null);
    assert.equal(messages.info("below"), false);
    assert.equal(messages.success("kept"), true);
    messages.level = DEBUG;
    assert.equal(messages.debug("now kept"), true);
    messages.level = null;
    assert.equal(messages.level, SUCCESS);
    assert.equal(messages.add(WARNING, ""), false);
    assert.deepEqual((await messages.list()).map((m) => m.message), ["kept", "now kept"]);
  });

  test("tags: extra tags then MESSAGE_TAGS' name for the level", async () => {
    const messages = requestMessages(
      backend({ MESSAGE_TAGS: { 40: "danger", 35: "notice" } }).getSession(null),
      null,
    );
    messages.error("e", { extraTags: "wide" });
    messages.add(35, "n");
    messages.add(99, "custom");
    assert.deepEqual((await messages.list()).map((m) => m.tags), ["wide danger", "notice", ""]);
  });

  test("count() does not consume; untouched messages are not written again", async () => {
    const first = requestMessages(backend().getSession(null), null);
    first.info("hello");
    const [cookie] = await first.commit();
    const peek = requestMessages(backend().getSession(null), cookie.split(";")[0]);
    assert.equal(await peek.count(), 1);
    assert.equal(peek.used, false);
    assert.deepEqual(await peek.commit(), []);
  });

  test("session storage: listed messages leave the session, added ones are saved", async () => {
    const session = await backend({ MESSAGE_STORAGE: SESSION }).getSession(null).load();
    session.set("_messages", '[["__json_message", 0, 20, "old", ""]]');
    const messages = requestMessages(session, null);
    assert.equal((await messages.list())[0].message, "old");
    assert.deepEqual(await messages.commit(), []);
    assert.equal(session.has("_messages"), false);
    const next = requestMessages(session, null);
    next.add(INFO, "new", { safe: true });
    await next.commit();
    assert.equal(session.get("_messages"), '[["__json_message", 1, 20, "new", ""]]');
  });

  test("an unknown MESSAGE_STORAGE fails only where messages are used", async () => {
    const sessions = backend({ MESSAGE_STORAGE: "myapp.storage.RedisStorage" });
    const quiet = withSession({ backend: sessions }, () => new Response("ok"));
    assert.equal(await (await quiet(new Request("http://localhost/"))).text(), "ok");
    const messages = requestMessages(sessions.getSession(null), null);
    await assert.rejects(messages.list(), ImproperlyConfigured);
  });

  test("withSession: a handler that throws after adding a message propagates its error", async () => {
    const handler = withSession({ backend: backend() }, (_request, { messages }) => {
      messages.info("lost");
      throw new Error("failed");
    });
    await assert.rejects(handler(new Request("http://localhost/")), /failed/);
  });
});
