/**
 * The stores' memory of verified `session_data` (`VerifiedCache`): a hit is a fresh copy equal to
 * what the text decoded to, only for the very same text, and the cache stays within its limit,
 * evicting the oldest entries that were not read since they were kept.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { VerifiedCache } from "../../../src/stores/verified_cache.ts";
import { decodeSession, encodeSession } from "../../../src/session/codec.ts";
import type { SessionData } from "../../../src/session/store.ts";

const settings = { SECRET_KEY: "django-insecure-verified-cache" };

/** A signed text of `data` and what it decodes to, as a store would cache them. */
async function stored(data: SessionData): Promise<[string, SessionData]> {
  const text = await encodeSession(data, settings);
  return [text, await decodeSession(text, settings)];
}

test("a hit is a fresh copy: neither the caller's changes nor the first copy's reach the next", async () => {
  const [text, data] = await stored({ cart: [{ sku: "A-1", qty: 2 }], user: "42" });
  const cache = new VerifiedCache(1 << 20);
  cache.set(text, data);
  (data.cart as unknown[]).push("changed after set");
  const first = cache.get(text)!;
  assert.deepEqual(first, { cart: [{ sku: "A-1", qty: 2 }], user: "42" });
  (first.cart as { qty: number }[])[0].qty = 99;
  first.user = "changed after get";
  assert.deepEqual(cache.get(text), { cart: [{ sku: "A-1", qty: 2 }], user: "42" });
});

test("a hit holds what JSON.parse made: NaN, Infinity, null, nesting and an own __proto__ key", async () => {
  const [text, data] = await stored(JSON.parse(
    '{"__proto__": {"polluted": true}, "n": null, "deep": [[1, [2, {"x": false}]]], "s": ""}',
  ));
  data.nan = NaN;
  data.inf = -Infinity;
  const cache = new VerifiedCache(1 << 20);
  cache.set(text, data);
  const hit = cache.get(text)!;
  assert.deepEqual(hit, data);
  assert.equal(Object.getPrototypeOf(hit), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(hit, "__proto__")?.value, { polluted: true });
  assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  assert.deepEqual(Object.keys(hit), Object.keys(data));
});

test("a text is a hit only when it is the very text kept, not another one with its signature", async () => {
  const [text, data] = await stored({ user: "42" });
  const cache = new VerifiedCache(1 << 20);
  cache.set(text, data);
  const signature = text.slice(text.lastIndexOf(":"));
  const [other] = await stored({ user: "1" });
  assert.equal(cache.get(other.slice(0, other.lastIndexOf(":")) + signature), undefined);
  assert.equal(cache.get(other), undefined);
  assert.deepEqual(cache.get(text), { user: "42" });
});

test("past its limit it evicts the oldest entries not read since they were kept", async () => {
  const entries = await Promise.all([0, 1, 2, 3, 4].map((i) => stored({ user: String(i) })));
  const [[text0]] = entries;
  const size = text0.length + JSON.stringify(entries[0][1]).length;
  const cache = new VerifiedCache(4 * size); // room for four (an entry takes at most a quarter)
  for (const [text, data] of entries.slice(0, 4)) cache.set(text, data);
  assert.ok(cache.get(text0), "the oldest was read since it was kept");
  cache.set(...entries[4]);
  const kept = entries.map(([text]) => cache.get(text)?.user ?? null);
  assert.deepEqual(kept, ["0", null, "2", "3", "4"]);
});

test("an entry over a quarter of the limit is not kept, and a limit of 0 keeps nothing", async () => {
  const [text, data] = await stored({ blob: "x".repeat(400) });
  const small = new VerifiedCache(4 * text.length);
  small.set(text, data);
  assert.equal(small.get(text), undefined);
  const off = new VerifiedCache(0);
  const [tiny, tinyData] = await stored({ a: 1 });
  off.set(tiny, tinyData);
  assert.equal(off.get(tiny), undefined);
});
