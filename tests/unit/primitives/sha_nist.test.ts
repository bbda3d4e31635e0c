/**
 * The synchronous SHA-1 / SHA-256 and HMAC (src/primitives/sha.ts) against published vectors, a
 * judge independent of the differential tests (signing_sha against `crypto.subtle`, signing_units
 * against Python): NIST CAVP's byte-oriented SHAVS response files — ShortMsg (every length 0..64
 * bytes), LongMsg (64 messages up to 6.4 kB) and the Monte Carlo chains (100 checkpoints, 100,000
 * hashes) — and the HMAC test cases of RFC 2202 (SHA-1) and RFC 4231 (SHA-256). The files in
 * tests/nist/ are NIST's and the RFCs' as Debian's python3-cryptography-vectors ships them;
 * `bash tests/nist/update.sh --check` checks them against that package.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { hash, type HashFunction, Hmac, sha1, sha256 } from "../../../src/primitives/sha.ts";

/** The `Name = value` records of a response file, one per blank-line-separated group. */
function records(file: string): Record<string, string>[] {
  const text = readFileSync(new URL(`../../nist/${file}`, import.meta.url), "utf8");
  const out: Record<string, string>[] = [];
  let current: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^(\w+) = (\S*)$/.exec(line.trim());
    if (match) current[match[1]] = match[2];
    else if (line.trim() === "" && Object.keys(current).length > 0) {
      out.push(current);
      current = {};
    }
  }
  if (Object.keys(current).length > 0) out.push(current);
  return out;
}

const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
const toHex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

const FUNCTIONS: [string, HashFunction][] = [["SHA1", sha1], ["SHA256", sha256]];

for (const [name, fn] of FUNCTIONS) {
  for (const kind of ["ShortMsg", "LongMsg"]) {
    test(`${name}: NIST CAVP ${kind} vectors`, () => {
      const vectors = records(`${name}${kind}.rsp`).filter((r) => "Len" in r);
      assert.equal(vectors.length, kind === "ShortMsg" ? 65 : 64);
      for (const { Len, Msg, MD } of vectors) {
        // Len is in bits; a zero-length message is written "Msg = 00".
        const message = fromHex(Msg).subarray(0, Number(Len) / 8);
        assert.equal(toHex(hash(fn, message)), MD, `${name}${kind} Len = ${Len}`);
      }
    });
  }

  test(`${name}: NIST CAVP Monte Carlo chain (100 checkpoints of 1000 hashes)`, () => {
    const [seedRecord, ...checkpoints] = records(`${name}Monte.rsp`).filter((r) =>
      "Seed" in r || "MD" in r
    );
    assert.equal(checkpoints.length, 100);
    let seed: Uint8Array = fromHex(seedRecord.Seed);
    const size = fn.digestBytes;
    for (const { COUNT, MD } of checkpoints) {
      // SHAVS §6.4: MD0 = MD1 = MD2 = Seed; Mi = MDi-3 || MDi-2 || MDi-1; MDi = SHA(Mi).
      const window = new Uint8Array(3 * size);
      window.set(seed, 0);
      window.set(seed, size);
      window.set(seed, 2 * size);
      let digest = seed;
      for (let i = 3; i < 1003; i++) {
        digest = hash(fn, window);
        window.copyWithin(0, size);
        window.set(digest, 2 * size);
      }
      assert.equal(toHex(digest), MD, `${name}Monte COUNT = ${COUNT}`);
      seed = digest;
    }
  });
}

for (const [file, fn] of [["rfc-2202-sha1.txt", sha1], ["rfc-4231-sha256.txt", sha256]] as const) {
  test(`HMAC: the test cases of ${file.slice(0, 8).toUpperCase()} (${file.slice(9, -4)})`, () => {
    const cases = records(file).filter((r) => "Key" in r);
    assert.equal(cases.length, fn === sha1 ? 7 : 6);
    for (const { Key, Msg, MD } of cases) {
      const mac = new Hmac(fn, fromHex(Key)).sign(fromHex(Msg));
      assert.equal(toHex(mac), MD, `${file} Key = ${Key.slice(0, 16)}…`);
    }
  });
}
