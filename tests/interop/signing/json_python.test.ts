/**
 * Python's `json` as the judge of our JSON: its re-serialisation of our output is the same bytes,
 * and it reads the same value (fast-check samples with a fixed seed, and the awkward numbers).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { closeDjangos, django } from "../../_django.ts";
import { SLOW } from "../../golden/cases.ts";
import { pythonJsonDumps } from "../../../src/signing/mod.ts";

after(closeDjangos);

const normalise = (value: unknown) => JSON.parse(JSON.stringify(value));

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
