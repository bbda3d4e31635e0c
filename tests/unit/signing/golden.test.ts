/**
 * Golden vectors made by real Django with a frozen clock (tests/golden/regenerate rewrites them):
 * our output must equal Django's byte for byte wherever it is deterministic, and everything Django
 * wrote must read back. No Python runs here, so this file is the quick check of the codec.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { decodeSession, encodeSession } from "../../../mod.ts";
import { pythonJsonBytes } from "../../../src/signing/json.ts";
import {
  base62Decode,
  base62Encode,
  dumps,
  hexEncode,
  loads,
  pythonJsonDumps,
  saltedHmac,
  Signer,
  type SignerOptions,
  TimestampSigner,
} from "../../../src/signing/mod.ts";

interface Vectors {
  django: string;
  now: number;
  algorithm: "sha1" | "sha256";
  secret: string;
  base62: [number, string][];
  salted_hmac: { salt: string; value: string; secret: string; algorithm: "sha1"; hex: string }[];
  json: string[];
  signer: { options: SignerOptions; value: string; signed: string }[];
  timestamp_signer: { value: string; signed: string }[];
  dumps: { json: string; salt: string; compress: boolean; token: string }[];
  sessions: { json: string; token: string }[];
}

for (const file of ["django-6.1", "django-5.2", "django-4.2", "django-3.2", "django-3.2-sha1"]) {
  const url = new URL(`../../golden/${file}.json`, import.meta.url);
  const v: Vectors = JSON.parse(readFileSync(url, "utf8"));
  const now = () => v.now * 1000;
  const key = v.secret;
  const algorithm = v.algorithm;

  describe(`golden vectors of Django ${v.django} (${file})`, () => {
    test("base62", () => {
      for (const [n, text] of v.base62) {
        assert.equal(base62Encode(n), text);
        assert.equal(base62Decode(text), n);
      }
    });

    test("salted_hmac", async () => {
      for (const c of v.salted_hmac) {
        assert.equal(hexEncode(await saltedHmac(c.salt, c.value, c.secret, c.algorithm)), c.hex);
      }
    });

    test("json.dumps(separators=(',', ':')), ensure_ascii", () => {
      for (const text of v.json) {
        assert.equal(pythonJsonDumps(JSON.parse(text)), text);
        // Its bytes as the signer takes them, in memory just the size asked for.
        const bytes = pythonJsonBytes(JSON.parse(text), (n) => new Uint8Array(n));
        assert.equal(String.fromCharCode(...bytes), text);
      }
    });

    test("Signer and TimestampSigner", async () => {
      for (const c of v.signer) {
        const signer = new Signer({ algorithm, ...c.options });
        assert.equal(await signer.sign(c.value), c.signed);
        assert.equal(await signer.unsign(c.signed), c.value);
      }
      const signer = new TimestampSigner({ key: "k", algorithm, now });
      for (const c of v.timestamp_signer) {
        assert.equal(await signer.sign(c.value), c.signed);
        assert.equal(await signer.unsign(c.signed, { maxAge: 1 }), c.value);
      }
    });

    test("dumps: equal when uncompressed, always loadable", async () => {
      for (const c of v.dumps) {
        const value = JSON.parse(c.json);
        const options = { key, salt: c.salt, algorithm };
        assert.deepEqual(await loads(c.token, options), value, c.token);
        const ours = await dumps(value, { ...options, compress: c.compress, now });
        // zlib output differs between zlib builds: compressed tokens are compared by content only.
        if (!ours.startsWith(".") && !c.token.startsWith(".")) assert.equal(ours, c.token);
        else assert.deepEqual(await loads(ours, options), value);
      }
    });

    test("session data: decoded; re-encoded byte for byte where deterministic", async () => {
      const legacy = file.endsWith("sha1");
      for (const c of v.sessions) {
        const data = JSON.parse(c.json);
        const strict = { onCorrupt: (e: Error) => assert.fail(e) };
        assert.deepEqual(await decodeSession(c.token, { SECRET_KEY: key }, strict), data);
        if (legacy) {
          assert.equal(
            await encodeSession(data, { SECRET_KEY: key, DEFAULT_HASHING_ALGORITHM: "sha1" }),
            c.token,
          );
        } else if (!c.token.startsWith(".")) {
          const salt = "django.contrib.sessions.SessionStore";
          assert.equal(await dumps(data, { key, salt, compress: true, now }), c.token);
        }
      }
    });
  });
}

test("object keys: JavaScript puts integer-like keys first; Python reads the same dict", () => {
  assert.equal(pythonJsonDumps(JSON.parse('{"b":1,"10":2}')), '{"10":2,"b":1}');
});

test("whole numbers are written as Python ints below 1e21, as floats from there", () => {
  assert.equal(
    pythonJsonDumps([1.0, -0, 1e16, 2 ** 60, 1e21, -1e300]),
    "[1,0,10000000000000000,1152921504606846976,1e+21,-1e+300]",
  );
});

test("values Python cannot read back are a TypeError on encode", async () => {
  class Point {
    x = 1;
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (
    const bad of [
      undefined,
      () => 1,
      Symbol("s"),
      1n,
      new Date(0),
      new Map(),
      new Set(),
      new Point(),
      new Uint8Array(2),
      [1, , 3],
      { a: undefined },
      cyclic,
    ]
  ) {
    assert.throws(() => pythonJsonDumps({ nested: [bad] }), TypeError, String(bad));
    await assert.rejects(encodeSession({ bad }, { SECRET_KEY: "k" }), TypeError);
  }
  assert.equal(pythonJsonDumps(Object.assign(Object.create(null), { a: 1 })), '{"a":1}');
  // Python's json.dumps writes these (allow_nan), and json.loads reads them back.
  assert.equal(pythonJsonDumps([NaN, Infinity, -Infinity]), "[NaN,Infinity,-Infinity]");
});
