// A damaged zlib stream is refused with the codec's own error (a Django-made bomb and the inflate cap
// are in tests/interop/session/codec_bomb.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { BadPayload } from "../../../src/errors.ts";
import { deflate, inflate } from "../../../src/primitives/zlib.ts";

test("a corrupt zlib stream is a BadPayload, not a crash", async () => {
  const compressed = await deflate(new TextEncoder().encode(JSON.stringify("a".repeat(5000))));
  const corrupt = compressed.slice();
  corrupt[2] ^= 0xff;
  assert.throws(() => inflate(corrupt, 1 << 20), BadPayload);
  assert.throws(() => inflate(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 1 << 20), BadPayload);
  assert.throws(() => inflate(compressed.subarray(0, compressed.length - 4), 1 << 20), BadPayload);
  const inflated = inflate(compressed, 5002);
  assert.equal(new TextDecoder().decode(inflated), JSON.stringify("a".repeat(5000)));
});
