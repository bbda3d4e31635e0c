/**
 * Our synchronous inflate against Python's `zlib.decompress`, which Django's `signing.loads` calls:
 * it returns the same bytes for what Python reads and throws `BadPayload` for exactly what Python
 * refuses. Python compresses inputs at every level and strategy, judges hand-made corner cases
 * (`_deflate_cases.ts`) and a few hundred seeded random mutations of valid streams.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { closeDjangos, django } from "../../_django.ts";
import { SLOW } from "../../golden/cases.ts";
import { BitWriter, zlibStream } from "../../_deflate_writer.ts";
import { CASES, fixed } from "../../_deflate_cases.ts";
import { BadPayload } from "../../../mod.ts";
import { b64Decode, b64Encode } from "../../../src/signing/mod.ts";
import { deflate, inflate } from "../../../src/primitives/zlib.ts";

after(closeDjangos);

const BIG = 1 << 24;

/** Python's verdict on each stream: the inflated bytes, or zlib's error message. */
async function python(streams: Uint8Array[]): Promise<(Uint8Array | string)[]> {
  const answers = await django("5.2").run<[boolean, string][]>(
    `import zlib
from django.core.signing import b64_decode, b64_encode
result = []
for text in args:
    try:
        result.append([True, b64_encode(zlib.decompress(b64_decode(text.encode()))).decode()])
    except zlib.error as error:
        result.append([False, str(error)])`,
    streams.map(b64Encode),
  );
  return answers.map(([ok, value]) => ok ? b64Decode(value) : value);
}

/** Our verdict: the inflated bytes, or the message of the `BadPayload` thrown (nothing else). */
function ours(stream: Uint8Array, maxBytes = BIG): Uint8Array | string {
  try {
    return inflate(stream, maxBytes);
  } catch (error) {
    assert.ok(error instanceof BadPayload, `not a BadPayload: ${error}`);
    return error.message;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function assertAgree(theirs: Uint8Array | string, mine: Uint8Array | string, what: string) {
  if (typeof theirs === "string") {
    assert.equal(typeof mine, "string", `${what}: Python refuses it (${theirs}), we read it`);
  } else {
    assert.ok(mine instanceof Uint8Array, `${what}: Python reads it, we refuse it (${mine})`);
    assert.ok(sameBytes(mine, theirs), `${what}: ${mine.length} bytes, Python ${theirs.length}`);
  }
}

describe("what Python's zlib writes inflates back", () => {
  test("every level, strategy, window and memory size, flushes in between", SLOW, async () => {
    const made = await django("5.2").run<{ inputs: Record<string, string>; streams: string[][] }>(
      `import json, random, zlib
from django.core.signing import b64_encode
rng = random.Random(1950)
far = rng.randbytes(32_000)
inputs = {
    "empty": b"",
    "one byte": b"x",
    "text": b" ".join(rng.choice([b"session", b"django", b"cookie", b"zlib", b"\\n"]) for _ in range(900)),
    "json": json.dumps({"_auth_user_id": "42", "_auth_user_hash": rng.randbytes(32).hex(),
                        "cart": [{"sku": f"A{i}", "qty": i} for i in range(40)]}).encode(),
    "random": rng.randbytes(3000),
    "repetitive 100 KB": b"abcabd" * 17_000,
    "matches 32 KB back": far + b"-" + far,
    "random 150 KB": rng.randbytes(150_000),
}
streams = []
for name, data in inputs.items():
    big = len(data) > 50_000
    for level in (0, 1, 6, 9) if big else range(10):
        streams.append([name, f"level {level}", zlib.compress(data, level)])
    for strategy in ("Z_DEFAULT_STRATEGY", "Z_FILTERED", "Z_HUFFMAN_ONLY", "Z_RLE", "Z_FIXED"):
        for wbits, mem_level in ((15, 9),) if big else ((9, 1), (12, 5), (15, 9)):
            c = zlib.compressobj(6, zlib.DEFLATED, wbits, mem_level, getattr(zlib, strategy))
            streams.append([name, f"{strategy} wbits {wbits} memLevel {mem_level}",
                            c.compress(data) + c.flush()])
    for flush in ("Z_NO_FLUSH", "Z_PARTIAL_FLUSH", "Z_SYNC_FLUSH", "Z_FULL_FLUSH", "Z_BLOCK"):
        c = zlib.compressobj()
        third = len(data) // 3 + 1
        parts = [c.compress(data[i:i + third]) + c.flush(getattr(zlib, flush))
                 for i in range(0, len(data), third)]
        streams.append([name, f"in thirds, {flush} after each", b"".join(parts) + c.flush()])
result = {
    "inputs": {name: b64_encode(data).decode() for name, data in inputs.items()},
    "streams": [[name, how, b64_encode(stream).decode()] for name, how, stream in streams],
}`,
    );
    assert.equal(made.streams.length, 192);
    for (const [name, how, stream] of made.streams) {
      const input = b64Decode(made.inputs[name]);
      // The cap set to the exact size: reaching it is allowed.
      const output = inflate(b64Decode(stream), input.length);
      assert.ok(sameBytes(output, input), `${name}, ${how}: ${output.length} bytes`);
    }
  });

  test("what CompressionStream writes inflates back (property)", async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 3000 }),
      fc.array(fc.constantFrom(0, 97, 98, 255), { maxLength: 5000 }).map((a) => Uint8Array.from(a)),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (data) => {
        assert.ok(sameBytes(inflate(await deflate(data), data.length), data));
      }),
      { numRuns: 80 },
    );
  });
});

describe("hand-made streams", () => {
  test("ours and Python's zlib agree, and read them as the RFCs and zlib say", SLOW, async () => {
    const theirs = await python(CASES.map((c) => c.stream));
    CASES.forEach(({ name, stream, expect, why }, i) => {
      const answer = theirs[i];
      if (expect === null) assert.equal(typeof answer, "string", `${name}: Python reads it`);
      else {assert.ok(
          answer instanceof Uint8Array && sameBytes(answer, expect),
          `${name}: ${answer}`,
        );}
      const mine = ours(stream);
      assertAgree(answer, mine, name);
      if (why) assert.ok((mine as string).endsWith(why), `${name}: ${mine}`);
    });
  });
});

describe("random damage", () => {
  test(
    "a few hundred mutants of valid streams: ours fails exactly when Python's fails, else reads the same",
    SLOW,
    async () => {
      const bases = (await django("5.2").run<string[]>(
        `import json, zlib
from django.core.signing import b64_encode
session = json.dumps({"_auth_user_id": "42", "_auth_user_hash": "9f" * 32, "cart": [1, 2, 3]}).encode()
text = b"the session, the cookie and the session again; " * 4
streams = [zlib.compress(session, level) for level in (0, 1, 6, 9)]
for strategy in (zlib.Z_FIXED, zlib.Z_HUFFMAN_ONLY, zlib.Z_RLE):
    c = zlib.compressobj(6, zlib.DEFLATED, 15, 8, strategy)
    streams.append(c.compress(text) + c.flush())
c = zlib.compressobj()
streams.append(c.compress(text[:50]) + c.flush(zlib.Z_SYNC_FLUSH) + c.compress(text[50:]) + c.flush())
result = [b64_encode(stream).decode() for stream in streams]`,
      )).map(b64Decode);
      // fast-check's sampler with a fixed seed: the same mutants on every run and runtime.
      const mutation = fc.record({
        base: fc.nat(bases.length - 1),
        kind: fc.constantFrom("flip", "flips", "byte", "truncate", "append", "insert", "delete"),
        at: fc.nat(),
        bits: fc.array(fc.nat(7), { minLength: 2, maxLength: 3 }),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
      });
      const mutants = fc.sample(mutation, { numRuns: 400, seed: 1951 }).map((m) => {
        const base = bases[m.base];
        const at = m.at % base.length;
        const out = base.slice();
        switch (m.kind) {
          case "flip":
            out[at] ^= 1 << m.bits[0];
            return out;
          case "flips":
            for (const [i, bit] of m.bits.entries()) out[(at + i * 7) % out.length] ^= 1 << bit;
            return out;
          case "byte":
            out[at] = m.bytes[0];
            return out;
          case "truncate":
            return base.subarray(0, at);
          case "append":
            return Uint8Array.from([...base, ...m.bytes]);
          case "insert":
            return Uint8Array.from([...base.subarray(0, at), m.bytes[0], ...base.subarray(at)]);
          default:
            return Uint8Array.from([...base.subarray(0, at), ...base.subarray(at + 1)]);
        }
      });
      // Most damage to the deflate data ends in a wrong Adler-32. The same mutants again with the
      // checksum of what Python's raw inflate (no zlib wrapper) makes of their deflate data, so
      // that the decoding itself must agree.
      const resealed = (await django("5.2").run<string[]>(
        `import zlib
from django.core.signing import b64_decode, b64_encode
result = []
for text in args:
    data = b64_decode(text.encode())
    raw = zlib.decompressobj(-15)
    try:
        out = raw.decompress(data[2:])
    except zlib.error:
        continue
    if raw.eof:
        deflated = data[2:len(data) - len(raw.unused_data)]
        result.append(b64_encode(data[:2] + deflated + zlib.adler32(out).to_bytes(4, "big")).decode())`,
        mutants.map(b64Encode),
      )).map(b64Decode);
      const streams = [...mutants, ...resealed];
      const theirs = await python(streams);
      streams.forEach((stream, i) => {
        assertAgree(theirs[i], ours(stream), `stream ${i} (${b64Encode(stream)})`);
      });
      // Both verdicts occur often enough for the comparison to mean something.
      const read = theirs.filter((answer) => answer instanceof Uint8Array).length;
      assert.ok(resealed.length > 100, `${resealed.length} resealed`);
      assert.ok(
        read > 100 && streams.length - read > 200,
        `Python read ${read} of ${streams.length}`,
      );
    },
  );
});

describe("the cap", () => {
  const refusedPast = (max: number) => (error: unknown) =>
    error instanceof BadPayload &&
    error.message === `Payload inflates past maxDecompressedBytes (${max} bytes)`;

  test(
    "exactly maxBytes inflates; a byte more is a BadPayload, in every kind of block",
    SLOW,
    async () => {
      const streams = await django("5.2").run<string[]>(
        `import zlib
from django.core.signing import b64_encode
data = bytes(range(256)) * 8 + b"a" * 3000
streams = [zlib.compress(data, level) for level in (0, 1, 9)]
c = zlib.compressobj(6, zlib.DEFLATED, 15, 8, zlib.Z_FIXED)
streams.append(c.compress(data) + c.flush())
result = [b64_encode(stream).decode() for stream in streams]`,
      );
      for (const stream of streams.map(b64Decode)) {
        const size = 256 * 8 + 3000;
        assert.equal(inflate(stream, size).length, size);
        // Caps in the literals, in matches and in the last byte (stored blocks at level 0).
        for (const max of [0, 100, 2047, 2148, size - 1]) {
          assert.throws(() => inflate(stream, max), refusedPast(max));
        }
      }
    },
  );

  test("an empty stream fits under a cap of 0", () => {
    for (const empty of [fixed([]), new BitWriter().stored(new Uint8Array(), true).finish()]) {
      assert.equal(inflate(zlibStream(empty, new Uint8Array()), 0).length, 0);
    }
  });

  test("a 20 MB bomb stops at the cap", SLOW, async () => {
    const bomb = b64Decode(
      await django("5.2").run<string>(
        `import zlib
from django.core.signing import b64_encode
result = b64_encode(zlib.compress(bytes(20_000_000), 9)).decode()`,
      ),
    );
    assert.ok(bomb.length < 25_000, `${bomb.length} bytes`);
    assert.throws(() => inflate(bomb, 1 << 20), refusedPast(1 << 20));
  });
});
