/**
 * Property tests (fast-check, modest run counts: three runtimes on two cores). Round trips through
 * dumps/loads and the session codec; Python's `json` as the judge of our JSON (its re-serialisation of
 * our output is the same bytes, and it reads the same value); any one-character change is rejected;
 * decodeSession never throws.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { closeDjangos, django } from "./_django.ts";
import { SECRET, SLOW } from "./golden/cases.ts";
import {
  BadSignature,
  decodeSession,
  dumps,
  encodeSession,
  loads,
  pythonJsonDumps,
} from "../mod.ts";

after(closeDjangos);

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
      const options = {
        secretKey: SECRET,
        defaultHashingAlgorithm: algorithm as "sha256" | "sha1",
        onCorrupt: (e: Error) => assert.fail(e),
      };
      assert.deepEqual(
        await decodeSession(await encodeSession(data, options), options),
        normalise(data),
      );
    }),
    RUNS,
  );
});

test(
  "Python's json re-serialises our JSON to the same bytes and reads the same value",
  SLOW,
  async () => {
    const values = fc.sample(fc.jsonValue({ stringUnit: "binary", maxDepth: 4 }), {
      numRuns: 300,
      seed: 42,
    });
    values.push(
      1e-5,
      1e-7,
      0.0001,
      1e21,
      -1e-300,
      5e-324,
      2 ** 60,
      1e300,
      1 / 3,
      "\u007f\u0080\ud800",
    );
    const ours = values.map(pythonJsonDumps);
    const python = await django("5.2").run<{ again: string[]; read: unknown[] }>(
      `import json
read = [json.loads(text) for text in args]
result = {"again": [json.dumps(v, separators=(",", ":")) for v in read], "read": read}`,
      ours,
    );
    assert.deepEqual(python.again, ours);
    // Python hands the value back through the bridge's JSON: the same value we started from.
    for (let i = 0; i < values.length; i++) {
      assert.deepEqual(python.read[i], normalise(values[i]), ours[i]);
    }
  },
);

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
      const data = await decodeSession(text, { secretKey: SECRET, onCorrupt: () => reported++ });
      assert.deepEqual(data, {});
      assert.equal(reported, 1);
    }),
    RUNS,
  );
});
