/**
 * The synchronous zlib compressor (src/signing/deflate.ts), with Python's `zlib.decompress` as the
 * judge: one `/usr/bin/python3` per batch reads every (input, output) pair, says whether the output
 * inflates to the input and how long `zlib.compress` (level 6) makes it. Edge sizes, sessions
 * (sizes within 2 bytes of Python's), UTF-8, incompressible bytes (stored blocks), long runs,
 * matches exactly at the window's edge, Huffman codes deeper than 15 bits before limiting,
 * multi-block inputs, a seeded corpus of mixed inputs; `DecompressionStream("deflate")` as a second
 * reader, and a fast-check property.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import { deflateSync } from "../../../src/primitives/deflate.ts";

const encoder = new TextEncoder();
const utf8 = (text: string) => encoder.encode(text);

/** Deterministic pseudo-random numbers (xorshift32), the same on every runtime. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function randomBytes(length: number, seed: number): Uint8Array {
  const next = rng(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = next() & 255;
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const JUDGE = `
import base64, json, sys, zlib
answers = []
for data, ours in json.load(sys.stdin):
    data, ours = base64.b64decode(data), base64.b64decode(ours)
    try:
        verdict = "ok" if zlib.decompress(ours) == data else "different bytes"
    except zlib.error as error:
        verdict = str(error)
    answers.append([verdict, len(zlib.compress(data))])
json.dump(answers, sys.stdout)
`;

/** Python's verdict on each (input, deflateSync(input)): "ok" or what went wrong, and its size. */
function python(pairs: [Uint8Array, Uint8Array][]): Promise<[string, number][]> {
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/python3", ["-c", JUDGE], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => stdout += chunk);
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => stderr += chunk);
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(JSON.parse(stdout));
      else reject(new Error(`python3 exited with ${code}: ${stderr}`));
    });
    const body = pairs.map(([data, ours]) => [
      Buffer.from(data).toString("base64"),
      Buffer.from(ours).toString("base64"),
    ]);
    child.stdin!.end(JSON.stringify(body));
  });
}

/** Size bound: never worse than storing, 5 bytes per block of at most 16 KiB, plus the frame. */
function maxSize(length: number): number {
  return 2 + 5 * Math.max(1, Math.ceil(length / 16384)) + length + 1 + 4;
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

/**
 * Compresses every input, checks the frame here and the deflate data with Python; resolves with
 * our sizes and Python's.
 */
async function judge(
  inputs: Uint8Array[],
  label = (i: number) => `input ${i}`,
): Promise<[ours: number, python: number][]> {
  const outputs = inputs.map((data) => deflateSync(data));
  outputs.forEach((out, i) => {
    const data = inputs[i];
    assert.equal(out[0], 0x78, label(i));
    assert.equal((out[0] * 256 + out[1]) % 31, 0, `${label(i)}: FCHECK`);
    const view = new DataView(out.buffer, out.byteOffset, out.length);
    assert.equal(view.getUint32(out.length - 4), adler32(data), `${label(i)}: Adler-32`);
    assert.ok(out.length <= maxSize(data.length), `${label(i)}: ${out.length} bytes`);
  });
  const verdicts = await python(inputs.map((data, i) => [data, outputs[i]]));
  verdicts.forEach(([verdict], i) => assert.equal(verdict, "ok", label(i)));
  return verdicts.map(([, size], i) => [outputs[i].length, size]);
}

/** The block type (0 stored, 1 fixed, 2 dynamic) of the first block. */
const firstBlockType = (zlib: Uint8Array) => (zlib[2] >> 1) & 3;

async function inflateWithStream(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new DecompressionStream("deflate"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const SESSION = '{"_auth_user_id":"42","_auth_user_backend":"django.contrib.auth.backends.' +
  'ModelBackend","_auth_user_hash":"8f2c0a3e5b1d7f4c9a6e2b8d0c3f5a7e1b9d4c6f8a2e0b3d5c7f9a1e4b6' +
  'd8c0a","cart":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}]}';

function sessions(): Uint8Array[] {
  const next = rng(7);
  const shapes: unknown[] = [
    {},
    { _auth_user_id: "1" },
    JSON.parse(SESSION),
    { cart: Array.from({ length: 40 }, (_, i) => ({ sku: `SKU-${i}`, qty: i % 4 })) },
    { _messages: '[["__json_message",0,20,"Saved."]]', _language: "fr", visits: 12345 },
    { nested: { a: [1, 2, [3, [4, [5, null, true, false]]]], b: { c: { d: "e" } } } },
    { numbers: Array.from({ length: 200 }, () => next() % 100000) },
    { csrf: Buffer.from(randomBytes(48, 3)).toString("hex"), ts: 1700000000 },
    { long: "x".repeat(5000), other: "y".repeat(300) },
    Array.from({ length: 100 }, (_, i) => ({ id: i, name: `user${i}`, admin: i % 7 === 0 })),
  ];
  return shapes.map((value) => utf8(JSON.stringify(value)));
}

test("deflateSync: empty, 1, 2, 3 and 4 bytes, and text, read back by Python", async () => {
  assert.deepEqual(
    [...deflateSync(new Uint8Array(0))],
    [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
  );
  await judge([
    new Uint8Array(0),
    new Uint8Array([0]),
    new Uint8Array([255]),
    new Uint8Array([97, 97]),
    new Uint8Array([1, 2, 3]),
    new Uint8Array([7, 7, 7]),
    new Uint8Array([7, 7, 7, 7]),
    utf8("Hello, hello, hello, world!"),
    utf8("The quick brown fox jumps over the lazy dog. ".repeat(20)),
    utf8(
      "It is a truth universally acknowledged, that a single man in possession of a good fortune, " +
        "must be in want of a wife.",
    ),
  ]);
});

test("deflateSync: session JSON of many shapes and non-ASCII UTF-8", async () => {
  const text = [
    "héllo wörld — ½ ¾ €",
    "日本語のテキスト、日本語のテキスト、日本語",
    "emoji 😀😃😄😁😆 emoji 😀😃😄😁😆 🇫🇷🇩🇪",
    JSON.stringify({ name: "Zoë Ångström", city: "Zürich", note: "naïve café 🍰" }),
    "\u0000\u0001\u007f\u0080\u07ff\u0800\uffff",
  ].map(utf8);
  const sizes = await judge([...sessions(), ...text]);
  sizes.forEach(([ours, python], i) => assert.ok(ours <= python + 2, `${i}: ${ours} vs ${python}`));
  // Python's level 6 gives 164 bytes for the session of the benchmarks, 181 with fixed codes only.
  const session = deflateSync(utf8(SESSION));
  assert.equal(firstBlockType(session), 2);
  assert.ok(session.length <= 165, `${session.length} bytes`);
  assert.equal(firstBlockType(deflateSync(utf8("abcabc"))), 1);
});

test("deflateSync: incompressible bytes go out as stored blocks, several past 64 KiB", async () => {
  const inputs = [1000, 16384, 16385, 65535, 65536, 200_000].map((n) => randomBytes(n, n));
  for (const data of inputs) {
    const out = deflateSync(data);
    assert.equal(firstBlockType(out), 0, `${data.length} bytes: the first block is stored`);
    // Stored: 5 bytes per block of 16 KiB (a short last block may be cheaper with fixed codes).
    const blocks = Math.max(1, Math.ceil(data.length / 16384));
    assert.ok(out.length <= 2 + 5 * blocks + data.length + 4, `${data.length} bytes`);
    assert.ok(out.length > data.length, `${data.length} bytes`);
  }
  await judge(inputs, (i) => `${inputs[i].length} random bytes`);
});

test("deflateSync: long runs (distance 1, length 258) and periodic data", async () => {
  const run = new Uint8Array(300_000).fill(0x61);
  const out = deflateSync(run);
  assert.ok(out.length < run.length / 100, `${out.length} bytes`);
  const periodic = (period: number, length: number) => {
    const pattern = randomBytes(period, period);
    return Uint8Array.from({ length }, (_, i) => pattern[i % period]);
  };
  await judge([
    run,
    new Uint8Array(258).fill(1),
    new Uint8Array(259).fill(1),
    new Uint8Array(261).fill(1),
    new Uint8Array(16384 * 3 + 5).fill(0),
    periodic(2, 10_000),
    periodic(100, 50_000),
    periodic(4000, 70_000),
    periodic(32768, 100_000),
  ]);
});

test("deflateSync: a match exactly 32768 bytes back is used; 32769 back is out of reach", async () => {
  // Random bytes >= 128 that the lowercase filler never contains: they can only match each other.
  const marker = randomBytes(300, 99).map((byte) => byte | 128);
  const filler = (length: number) =>
    Uint8Array.from({ length }, (_, i) => 97 + ((i * 7 + (i >> 5)) % 26));
  const at32768 = concat(filler(100), marker, filler(32768 - 300), marker, filler(500));
  const at32769 = concat(filler(100), marker, filler(32769 - 300), marker, filler(500));
  const near = deflateSync(at32768);
  const far = deflateSync(at32769);
  assert.ok(near.length + 250 < far.length, `${near.length} vs ${far.length} bytes`);
  await judge([at32768, at32769]);
});

/**
 * A block whose optimal literal/length code is 16 bits deep, so that the lengths must be limited to
 * 15: after 32 KiB of random bytes without zeros, copies of them whose lengths take fifteen length
 * symbols with counts 1, 2, 3, 5, ..., 987 (Fibonacci), and 1597 zero bytes between them; with the
 * end-of-block symbol, Fibonacci counts F(1)..F(17). Each copy is exactly one match: sources never
 * overlap, and never run on into the byte that follows the copy.
 */
function deepCode(seed: number): Uint8Array {
  const next = rng(seed);
  const prefix = Uint8Array.from({ length: 32768 }, () => 1 + (next() % 255));
  const fibonacci = [1, 2];
  while (fibonacci.length < 15) fibonacci.push(fibonacci.at(-1)! + fibonacci.at(-2)!);
  const LENGTHS = [31, 27, 23, 19, 17, 15, 13, 11, 10, 9, 8, 7, 6, 5, 4]; // rarest first
  const lengths = fibonacci.flatMap((count, i) => Array<number>(count).fill(LENGTHS[i]));
  for (let i = lengths.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [lengths[i], lengths[j]] = [lengths[j], lengths[i]];
  }
  const zeros = new Set<number>();
  while (zeros.size < 1597) zeros.add(next() % lengths.length);
  const out = Array.from(prefix);
  let source = 16;
  let following = -1; // the byte after the previous copy's source, if no zero came between
  lengths.forEach((length, i) => {
    while (prefix[source] === following) source++;
    for (let k = 0; k < length; k++) out.push(prefix[source + k]);
    following = prefix[source + length];
    source += length + 1;
    if (zeros.has(i)) {
      out.push(0);
      following = -1;
    }
  });
  return Uint8Array.from(out);
}

test("deflateSync: Huffman codes limited to 15 bits (and one distance code)", async () => {
  const inputs = [deepCode(1), deepCode(2), deepCode(3)];
  assert.ok(inputs.every((data) => data.length > 32768 + 16000 && data.length <= 49152));
  await judge(inputs, (i) => `deep code ${i + 1}`);
});

const WORDS = ["session", "user", "_auth", "id", "cart", "qty", "true", "null", "42", '":"'];

/** `length` bytes of random bytes, runs, copies from up to 40000 bytes back, words, digits. */
function mixed(next: () => number, length: number): Uint8Array {
  const bytes: number[] = [];
  while (bytes.length < length) {
    const kind = next() % 5;
    const size = 1 + (next() % 200);
    if (kind === 0) { // random bytes
      for (let i = 0; i < size; i++) bytes.push(next() & 255);
    } else if (kind === 1) { // a run
      const byte = next() & 255;
      for (let i = 0; i < size; i++) bytes.push(byte);
    } else if (kind === 2 && bytes.length > 0) { // a copy
      const from = bytes.length - 1 - (next() % Math.min(bytes.length, 40_000));
      for (let i = 0; i < size; i++) bytes.push(bytes[from + i]);
    } else if (kind === 3) { // words
      for (let i = 0; i < size / 8; i++) bytes.push(...utf8(WORDS[next() % WORDS.length]));
    } else { // a small alphabet
      for (let i = 0; i < size; i++) bytes.push(48 + (next() % 4));
    }
  }
  return Uint8Array.from(bytes.slice(0, length));
}

test("deflateSync: a seeded corpus of 300 mixed inputs (structured and random)", async () => {
  const next = rng(2024);
  const inputs: Uint8Array[] = [];
  for (let n = 0; n < 300; n++) {
    inputs.push(mixed(next, n < 100 ? next() % 64 : n < 250 ? next() % 3000 : next() % 40_000));
  }
  await judge(inputs, (i) => `corpus input ${i} (${inputs[i].length} bytes)`);
});

test("deflateSync: 7-bit code-length codes that needed codes lengthened, then shortened", async () => {
  // Found by search: limiting these blocks' code-length code to 7 bits overshoots, and the
  // code is completed again by shortening codes (an incomplete code is rejected by zlib).
  const inputs = [15, 56, 71].map((seed) => {
    const next = rng(seed);
    return mixed(next, 200 + (next() % 20_000));
  });
  await judge(inputs, (i) => `mixed input ${i}`);
});

test("deflateSync: several MB of JSON, and a view into a larger buffer", async () => {
  const rows = Array.from(
    { length: 100_000 },
    (_, i) => ({ id: i, key: `k${(i * 7919) % 10007}` }),
  );
  const large = utf8(JSON.stringify(rows));
  assert.ok(large.length > 2_500_000);
  const out = deflateSync(large);
  assert.ok(out.length < large.length / 2, `${out.length} bytes`);
  const backing = utf8(`xxxxxxx${SESSION}yyyy`);
  const view = backing.subarray(7, 7 + SESSION.length);
  assert.deepEqual(deflateSync(view), deflateSync(utf8(SESSION)));
  await judge([large, view]);
});

test("deflateSync: results stay intact and calls do not see each other's data", () => {
  const first = deflateSync(utf8(SESSION));
  const copy = Uint8Array.from(first);
  // Stale hash entries from other inputs must not turn into matches.
  for (let i = 0; i < 50; i++) {
    deflateSync(randomBytes(i * 100, i));
    deflateSync(utf8(SESSION.replaceAll("a", String(i % 10))));
  }
  deflateSync(new Uint8Array(400_000).fill(3));
  assert.deepEqual(first, copy);
  assert.deepEqual(deflateSync(utf8(SESSION)), copy);
});

test("deflateSync: DecompressionStream reads it back", async () => {
  const inputs = [
    new Uint8Array(0),
    utf8(SESSION),
    ...sessions().slice(3, 6),
    randomBytes(70_000, 5),
    new Uint8Array(100_000).fill(9),
  ];
  for (const data of inputs) assert.deepEqual(await inflateWithStream(deflateSync(data)), data);
});

test("deflateSync: any bytes and any string round trip through DecompressionStream", async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (data) => {
      assert.deepEqual(await inflateWithStream(deflateSync(data)), data);
    }),
    { numRuns: 150 },
  );
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: "binary", maxLength: 2000 }), async (text) => {
      // Repeated, so that matches (and lazy ones) happen within and across the copies.
      const data = utf8(text + text.slice(0, text.length >> 1) + text);
      assert.deepEqual(await inflateWithStream(deflateSync(data)), data);
    }),
    { numRuns: 150 },
  );
});
