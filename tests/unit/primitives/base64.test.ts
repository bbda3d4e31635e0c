// The hot path's base64 decoder (`b64DecodeInto`, the platform's `setFromBase64` where there is one)
// reads what `b64Encode` writes from any part of a text, and refuses what Django's signer never
// writes: padding, whitespace, the standard alphabet's `+` and `/`, a lone last character.
import { test } from "node:test";
import assert from "node:assert/strict";
import { b64Decode, b64DecodeInto, b64Encode } from "../../../src/primitives/base64.ts";

const dst = new Uint8Array(64);

test("b64DecodeInto reads every length back, from inside a longer text", () => {
  for (let n = 0; n <= 40; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) & 255);
    const text = `.${b64Encode(bytes)}:rest`;
    const written = b64DecodeInto(text, 1, text.indexOf(":"), dst);
    assert.equal(written, n, `${n} bytes`);
    assert.deepEqual(dst.subarray(0, written), bytes, `${n} bytes`);
  }
});

test("b64DecodeInto refuses padding, whitespace, other alphabets and a lone character", () => {
  const bad = ["YWJj=", "YQ==", "YW=j", "YW Jj", "YWJj\n", " YWJ", "YW\tJ", "ab+c", "ab/c", "é123"];
  for (const text of [...bad, "a", "abcde", "YWJjZ"]) {
    assert.equal(b64DecodeInto(text, 0, text.length, dst), -1, JSON.stringify(text));
  }
});

test("b64Decode reads texts past its scratch buffers, and refuses a non-ASCII character in them", () => {
  for (const n of [1000, 3000, 60000]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131) & 255);
    const text = b64Encode(bytes);
    assert.deepEqual(b64Decode(text), bytes, `${n} bytes`);
    for (const bad of ["é", "\u{1f600}", "\ud800", " "]) {
      const at = text.length >> 1;
      assert.throws(
        () => b64Decode(text.slice(0, at) + bad + text.slice(at + bad.length)),
        SyntaxError,
      );
    }
  }
});
