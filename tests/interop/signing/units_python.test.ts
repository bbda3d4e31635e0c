/**
 * The primitives under the codec against Python where Python has the answer: base64 of every
 * length in both alphabets, and `hmac`/`digest`/`pbkdf2` against `hmac`/`hashlib`.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeDjangos, django } from "../../_django.ts";
import { SLOW } from "../../golden/cases.ts";
import { b64Decode, b64Encode, hexEncode } from "../../../src/signing/mod.ts";
import { standardB64Decode, standardB64Encode } from "../../../src/primitives/base64.ts";
import { digest, hmac, pbkdf2 } from "../../../src/primitives/crypto.ts";

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
