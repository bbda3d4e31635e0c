/**
 * The small pieces under the codec: malformed base64 and base62, `timingSafeEqual`, and the option
 * checks Django's `Signer` makes. Python's answers for base64 and `hmac`/`digest`/`pbkdf2` are in
 * tests/interop/signing/units_python.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { BadPayload } from "../../../mod.ts";
import {
  b64Decode,
  base62Decode,
  base62Encode,
  Signer,
  TimestampSigner,
} from "../../../src/signing/mod.ts";
import { standardB64Decode } from "../../../src/primitives/base64.ts";
import { timingSafeEqual } from "../../../src/primitives/crypto.ts";

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
  assert.throws(() => base62Encode(-1), RangeError);
  assert.throws(() => base62Encode(1.5), RangeError);
  assert.equal(base62Decode(base62Encode(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
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
