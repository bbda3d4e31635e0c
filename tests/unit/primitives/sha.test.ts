/**
 * The synchronous SHA-1 / SHA-256 and HMAC under the codec (src/signing/sha.ts) against Web Crypto:
 * every message length over several blocks (so every padding case), keys shorter than, equal to
 * and longer than a block, and a large message. Python's `hmac` is checked in signing_units.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { hash, type HashFunction, Hmac, sha1, sha256 } from "../../../src/primitives/sha.ts";

const FUNCTIONS: [string, HashFunction][] = [["SHA-1", sha1], ["SHA-256", sha256]];

/** Deterministic bytes, different for every (length, seed). */
function bytes(length: number, seed: number): Uint8Array {
  let x = (seed * 2654435761 + length) >>> 0 || 1;
  return Uint8Array.from({ length }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 255;
  });
}

async function subtleHmac(name: string, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const imported = await crypto.subtle.importKey(
    "raw",
    key as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: name },
    false,
    ["sign"],
  );
  return new Uint8Array(
    await crypto.subtle.sign("HMAC", imported, data as Uint8Array<ArrayBuffer>),
  );
}

for (const [name, fn] of FUNCTIONS) {
  test(`${name}: digests of every length 0..200 and of 100 kB equal crypto.subtle's`, async () => {
    for (const length of [...Array(201).keys(), 100_000]) {
      const data = bytes(length, 1);
      const expected = new Uint8Array(
        await crypto.subtle.digest(name, data as Uint8Array<ArrayBuffer>),
      );
      assert.deepEqual(hash(fn, data), expected, `length ${length}`);
    }
  });

  test(`${name}: HMAC with keys of 1..200 bytes over messages of 0..160 bytes equals crypto.subtle's`, async () => {
    for (const keyLength of [1, 19, 20, 32, 63, 64, 65, 200]) {
      const key = bytes(keyLength, 2);
      const mac = new Hmac(fn, key);
      for (let length = 0; length <= 160; length++) {
        const data = bytes(length, 3);
        assert.deepEqual(
          mac.sign(data),
          await subtleHmac(name, key, data),
          `${keyLength}/${length}`,
        );
      }
    }
  });

  test(`${name}: a prepared key gives the same MAC every time (no state leaks between calls)`, () => {
    const mac = new Hmac(fn, bytes(32, 4));
    const short = bytes(10, 5);
    const first = mac.sign(short);
    mac.sign(bytes(1000, 6));
    assert.deepEqual(mac.sign(short), first);
  });
}
