// What Django's `JSONSerializer.loads` does with the payload's bytes: `data.decode("latin-1")`, then
// `json.loads`. Bytes past ASCII (which ensure_ascii never writes, but a payload may hold) are one
// character each, UTF-8 sequences included, and U+FFFD never appears unless it was in the text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLatin1Json, pythonJsonBytes, pythonJsonDumps } from "../../../src/signing/json.ts";

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

test("parseLatin1Json reads ASCII JSON, and every other byte as its Latin-1 character", () => {
  assert.deepEqual(parseLatin1Json(latin1('{"a":[1,"x"]}')), { a: [1, "x"] });
  // "é" in UTF-8 (C3 A9) is two Latin-1 characters, a lone E9 is "é", 80-9F are C1 controls.
  for (const inner of ["\u00c3\u00a9", "\u00e9", "\u0080\u009f\u00ff", "\u00ef\u00bf\u00bd"]) {
    assert.deepEqual(parseLatin1Json(latin1(`{"k":"${inner}"}`)), { k: inner }, inner);
  }
  assert.deepEqual(parseLatin1Json(latin1('"\\ufffd"')), "\ufffd");
});

test("pythonJsonBytes writes pythonJsonDumps's ASCII once it has room for it, escapes included", () => {
  // The JSON of "\u00e9a" is 4 characters, and the UTF-8 of its first 3 fills a room of 4 exactly:
  // only the characters read tell it from ASCII.
  for (
    const value of [
      "\u00e9a",
      "a\u00e9",
      "\u007f",
      "\u{1f600}",
      { k: ["x", 1.5, "\u00ff"] },
      "plain",
    ]
  ) {
    const asked: number[] = [];
    const bytes = pythonJsonBytes(value, (n) => {
      asked.push(n);
      return new Uint8Array(n);
    });
    const text = pythonJsonDumps(value);
    assert.equal(String.fromCharCode(...bytes), text, JSON.stringify(value));
    assert.equal(asked.at(-1), text.length);
  }
});
