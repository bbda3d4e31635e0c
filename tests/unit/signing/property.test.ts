/**
 * Property tests (fast-check, modest run counts: three runtimes on two cores). Round trips through
 * dumps/loads and the session codec; any one-character change is rejected; decodeSession never
 * throws. Python's `json` judges our JSON in tests/interop/signing/json_python.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SECRET, SLOW } from "../../golden/cases.ts";
import { BadSignature, decodeSession, encodeSession } from "../../../mod.ts";
import { dumps, loads } from "../../../src/signing/mod.ts";

const RUNS = { numRuns: 60 };
// JSON values with any UTF-16 code units (lone surrogates included) and -0, as JSON.parse gives.
const json = fc.jsonValue({ stringUnit: "binary", maxDepth: 4 });
const normalise = (value: unknown) => JSON.parse(JSON.stringify(value));

test("dumps then loads gives the value back, compressed or not", SLOW, async () => {
  await fc.assert(
    fc.asyncProperty(json, fc.boolean(), async (value, compress) => {
      const token = await dumps(value, { key: SECRET, compress });
      assert.deepEqual(await loads(token, { key: SECRET }), normalise(value));
    }),
    RUNS,
  );
});

test("encodeSession then decodeSession gives the session back, both formats", SLOW, async () => {
  const session = fc.dictionary(fc.string({ unit: "binary" }), json, { maxKeys: 6 });
  await fc.assert(
    fc.asyncProperty(session, fc.constantFrom("sha256", "sha1"), async (data, algorithm) => {
      const settings = {
        SECRET_KEY: SECRET,
        DEFAULT_HASHING_ALGORITHM: algorithm as "sha256" | "sha1",
      };
      const strict = { onCorrupt: (e: Error) => assert.fail(e) };
      assert.deepEqual(
        await decodeSession(await encodeSession(data, settings), settings, strict),
        normalise(data),
      );
    }),
    RUNS,
  );
});

test("changing any one character of a token is rejected", SLOW, async () => {
  await fc.assert(
    fc.asyncProperty(
      json,
      fc.nat(),
      fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:."),
      async (value, at, c) => {
        const token = await dumps(value, { key: SECRET, compress: true });
        const i = at % token.length;
        fc.pre(token[i] !== c);
        const tampered = token.slice(0, i) + c + token.slice(i + 1);
        await assert.rejects(loads(tampered, { key: SECRET }), BadSignature);
      },
    ),
    RUNS,
  );
});

test("decodeSession never throws and reads arbitrary text as {}", SLOW, async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: "binary" }), async (text) => {
      let reported = 0;
      const data = await decodeSession(text, { SECRET_KEY: SECRET }, {
        onCorrupt: () => reported++,
      });
      assert.deepEqual(data, {});
      assert.equal(reported, 1);
    }),
    RUNS,
  );
});
