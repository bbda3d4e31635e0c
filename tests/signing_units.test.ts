/**
 * The small pieces under the codec, each against Python where Python has the answer: base64 and
 * base62 edge cases, `hmac`/`digest`/`pbkdf2` against `hashlib`/`hmac`, `timingSafeEqual`, and the
 * option checks Django's `Signer` makes.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeDjangos, django } from "./_django.ts";
import { SLOW } from "./golden/cases.ts";
import {
  b64Decode,
  b64Encode,
  BadPayload,
  base62Decode,
  base62Encode,
  hexEncode,
  Signer,
  TimestampSigner,
} from "../mod.ts";
import { standardB64Decode, standardB64Encode } from "../src/primitives/base64.ts";
import { digest, hmac, pbkdf2, timingSafeEqual } from "../src/primitives/crypto.ts";

after(closeDjangos);

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);

test(
  "base64 of every length 0..40 equals Python's, both alphabets, and decodes back",
  SLOW,
  async () => {
    const inputs = Array.from({ length: 41 }, (_, n) => hexEncode(bytes(n)));
    const python = await django("5.2").run<[string, string][]>(
      `import base64
result = [[base64.urlsafe_b64encode(bytes.fromhex(h)).decode().rstrip("="),
           base64.b64encode(bytes.fromhex(h)).decode()] for h in args]`,
      inputs,
    );
    for (let n = 0; n <= 40; n++) {
      assert.deepEqual([b64Encode(bytes(n)), standardB64Encode(bytes(n))], python[n]);
      assert.deepEqual(b64Decode(python[n][0]), bytes(n));
      assert.deepEqual(
        b64Decode(python[n][0] + "=".repeat((4 - python[n][0].length % 4) % 4)),
        bytes(n),
      );
      assert.deepEqual(standardB64Decode(python[n][1]), bytes(n));
    }
  },
);

test("malformed base64 and base62 are errors the codec turns into bad data", () => {
  for (const bad of ["a", "abcde", "ab+c", "ab/c", "ab c", "é"]) {
    assert.throws(() => b64Decode(bad), SyntaxError);
  }
  for (const bad of ["YWJ", "YW-_", "Y===", "YWJj\n"]) {
    assert.throws(() => standardB64Decode(bad), SyntaxError, bad);
  }
  assert.throws(() => base62Decode(""), SyntaxError);
  assert.throws(() => base62Decode("1-"), SyntaxError);
  assert.throws(() => base62Decode("zzzzzzzzzzzz"), RangeError);
  assert.equal(base62Encode(-1), "-1"); // Django's b62_encode(-1)
  assert.throws(() => base62Encode(1.5), RangeError);
  assert.equal(base62Decode(base62Encode(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
});

test("hmac, digest and pbkdf2 equal Python's hmac and hashlib", SLOW, async () => {
  const python = await django("5.2").run<Record<string, string>>(
    `import hashlib, hmac
key, data = bytes.fromhex(args["key"]), bytes.fromhex(args["data"])
result = {
    "hmac1": hmac.new(key, data, "sha1").hexdigest(),
    "hmac256": hmac.new(key, data, "sha256").hexdigest(),
    "hmac512": hmac.new(key * 3, data, "sha512").hexdigest(),
    "sha256": hashlib.sha256(data).hexdigest(),
    "pbkdf2": hashlib.pbkdf2_hmac("sha256", "pässword".encode(), b"salt", 1000, 32).hex(),
    "pbkdf2sha1": hashlib.pbkdf2_hmac("sha1", b"pw", "sält".encode(), 10, 20).hex(),
}`,
    { key: hexEncode(bytes(32)), data: hexEncode(bytes(200)) },
  );
  const key = bytes(32);
  const data = bytes(200);
  const key3 = new Uint8Array([...key, ...key, ...key]);
  assert.deepEqual({
    hmac1: hexEncode(await hmac("sha1", key, data)),
    hmac256: hexEncode(await hmac("sha256", key, data)),
    hmac512: hexEncode(await hmac("sha512", key3, data)),
    sha256: hexEncode(await digest("sha256", data)),
    pbkdf2: hexEncode(await pbkdf2("pässword", "salt", 1000, "SHA-256", 32)),
    pbkdf2sha1: hexEncode(await pbkdf2("pw", "sält", 10, "SHA-1", 20)),
  }, python);
  await assert.rejects(hmac("md5" as "sha1", key, data), TypeError);
});

test("timingSafeEqual: equal only for equal content, strings or bytes, any lengths", () => {
  assert.ok(timingSafeEqual("abc", "abc"));
  assert.ok(timingSafeEqual("", ""));
  assert.ok(timingSafeEqual(new Uint8Array([97, 98]), "ab"));
  assert.ok(!timingSafeEqual("abc", "abd"));
  assert.ok(!timingSafeEqual("abc", "ab"));
  assert.ok(!timingSafeEqual("ab", "abc"));
  assert.ok(!timingSafeEqual("\u0000", ""));
  assert.ok(!timingSafeEqual("\ud800", "\udc00"));
});

test("Signer rejects what Django's rejects: an unsafe separator, no key", () => {
  for (const sep of ["", "a", "Z9", "-", "_", "=", "[", "`"]) {
    assert.throws(() => new Signer({ key: "k", sep }), TypeError, JSON.stringify(sep));
  }
  for (const sep of [":", "/", ".", "!:"]) assert.equal(new Signer({ key: "k", sep }).sep, sep);
  assert.throws(() => new Signer({ key: "" }), TypeError);
});

test("a signed value without a valid timestamp is a BadPayload, after the signature", async () => {
  const plain = new Signer({ key: "k", salt: "t" });
  const timed = new TimestampSigner({ key: "k", salt: "t" });
  await assert.rejects(timed.unsign(await plain.sign("no-time")), BadPayload);
  await assert.rejects(timed.unsign(await plain.sign("v:!!")), BadPayload);
  await assert.rejects(timed.unsign("v:1r31eq:forged"), { code: "BAD_SIGNATURE" });
});
