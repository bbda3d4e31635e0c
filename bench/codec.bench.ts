/**
 * The session codec against Django's own `SessionStore().decode/encode` (Django 5.2 on
 * /usr/bin/python3, bench/codec_django.py), in the same rounds, as ratios. Standalone on any runtime:
 *
 *   node --import tsx bench/codec.bench.ts
 *   node_modules/.bin/bun bench/codec.bench.ts
 *   node_modules/.bin/deno run -A bench/codec.bench.ts
 *
 * Input: a ~250-byte session (the three `_auth_user_*` keys and a small cart); decode reads the text
 * Django wrote. Each round (BENCH_RUNS, default 3) times Django, then each of our modes, for
 * BENCH_SECONDS (default 1) each; the median round is reported. "Sequential" is one operation at a
 * time; "CPU time" is the same run's process CPU time on both sides (steadier than the wall clock
 * on a machine doing other work); "64 in flight" keeps 64 going, as a server under load does. Python's rate is its sequential
 * rate either way (one GIL-bound worker). Ratios are Django time / our time: above 1 is faster.
 * "Alternatives" times each piece of ours against the Web API it replaced on the hot path
 * (`DecompressionStream`, `CompressionStream`, `crypto.subtle.sign`), on the same input.
 */
import { execFileSync } from "node:child_process";
import process from "node:process";
import { decodeSession, djangoSettings, encodeSession } from "../mod.ts";
import { saltedHmac } from "../src/signing/mod.ts";
import { b64Decode } from "../src/primitives/base64.ts";
import { deflateSync } from "../src/primitives/deflate.ts";
import { inflate } from "../src/primitives/inflate.ts";
import { RUNTIME_VERSION as runtime } from "../tests/_runtime.ts";
import { cpuMicros, type Round, roundMedian } from "./_rounds.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECRET = "django-insecure-bench";
const SESSION = {
  _auth_user_id: "42",
  _auth_user_backend: "django.contrib.auth.backends.ModelBackend",
  _auth_user_hash: "8f2c0a3e5b1d7f4c9a6e2b8d0c3f5a7e1b9d4c6f8a2e0b3d5c7f9a1e4b6d8c0a",
  cart: [{ sku: "A-1", qty: 2 }, { sku: "B-7", qty: 1 }],
};
const root = new URL("../", import.meta.url).pathname;

interface DjangoRound {
  django: string;
  decode_us: number;
  encode_us: number;
  decode_cpu_us: number;
  encode_cpu_us: number;
  token: string;
}

function djangoRound(): DjangoRound {
  const out = execFileSync(
    "/usr/bin/python3",
    [`${root}bench/codec_django.py`, String(SECONDS), JSON.stringify(SESSION)],
    {
      env: {
        ...process.env,
        PYTHONPATH: `${root}.cache/django/5.2/root/usr/lib/python3/dist-packages`,
      },
    },
  );
  return JSON.parse(String(out));
}

type Op = () => Promise<unknown> | unknown;

/** Microseconds per operation, one at a time: wall and CPU time. */
async function sequential(op: Op): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < 200; i++) await op();
  let count = 0;
  const start = performance.now();
  const cpu = cpuMicros();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) await op();
    count += 50;
  }
  return { wall: (performance.now() - start) * 1000 / count, cpu: (cpuMicros() - cpu) / count };
}

/** Microseconds per operation with `width` operations in flight. */
async function inFlight(op: Op, width = 64): Promise<number> {
  let count = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  await Promise.all(Array.from({ length: width }, async () => {
    while (performance.now() < end) {
      await op();
      count++;
    }
  }));
  return (performance.now() - start) * 1000 / count;
}

/** Drives a web compression stream through a writer and a reader (the fast way to use one). */
async function throughStream(
  stream: CompressionStream | DecompressionStream,
  data: Uint8Array,
): Promise<number> {
  const writer = stream.writable.getWriter();
  writer.write(data as Uint8Array<ArrayBuffer>);
  writer.close();
  const reader = stream.readable.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.length;
  }
}

const first = djangoRound();
const options = djangoSettings({ SECRET_KEY: SECRET });
const compressed = b64Decode(first.token.slice(1, first.token.indexOf(":")));
const json = new TextEncoder().encode(JSON.stringify(SESSION));
const message = new TextEncoder().encode(first.token.slice(0, first.token.lastIndexOf(":")));
const cryptoKey = await crypto.subtle.importKey(
  "raw",
  new Uint8Array(32),
  { name: "HMAC", hash: "SHA-256" },
  false,
  ["sign"],
);
if (JSON.stringify(await decodeSession(first.token, options)) !== JSON.stringify(SESSION)) {
  throw new Error("decodeSession does not read Django's token");
}

const OURS: Record<string, Op> = {
  decode: () => decodeSession(first.token, options),
  encode: () => encodeSession(SESSION, options),
};
const ALTERNATIVES: Record<string, Op> = {
  "inflate: sync TS (ours)": () => inflate(compressed, 1 << 20),
  "inflate: DecompressionStream": () =>
    throughStream(new DecompressionStream("deflate"), compressed),
  "deflate: sync TS (ours)": () => deflateSync(json),
  "deflate: CompressionStream": () => throughStream(new CompressionStream("deflate"), json),
  "HMAC: saltedHmac, sync (ours)": () => saltedHmac("salt", message, SECRET, "sha256"),
  "HMAC: crypto.subtle.sign": () => crypto.subtle.sign("HMAC", cryptoKey, message),
};

const rounds: Round[] = [];
for (let r = 0; r < RUNS; r++) {
  const django = r === 0 ? first : djangoRound();
  const round: Round = {
    "django decode": django.decode_us,
    "django encode": django.encode_us,
    "django decode|cpu": django.decode_cpu_us,
    "django encode|cpu": django.encode_cpu_us,
  };
  for (const [name, op] of Object.entries({ ...OURS, ...ALTERNATIVES })) {
    const { wall, cpu } = await sequential(op);
    round[`${name}|seq`] = wall;
    round[`${name}|cpu`] = cpu;
    round[`${name}|64`] = await inFlight(op);
  }
  rounds.push(round);
}

const median = (key: string) => roundMedian(rounds, key);
const us = (n: number) => n.toFixed(1).padStart(8);

console.log(
  `\ncodec bench (${runtime}), ${JSON.stringify(SESSION).length}-byte session, median of ${RUNS}` +
    ` rounds × ${SECONDS}s; Django ${first.django} timed in the same rounds`,
);
console.log(`  ${"".padEnd(24)}    ours µs  Django µs  Django/ours`);
for (const op of ["decode", "encode"]) {
  for (
    const [mode, label] of [["seq", "sequential"], ["cpu", "CPU time"], ["64", "64 in flight"]]
  ) {
    const theirs = median(mode === "cpu" ? `django ${op}|cpu` : `django ${op}`);
    const ours = median(`${op}|${mode}`);
    console.log(
      `  ${`${op}, ${label}`.padEnd(24)} ${us(ours)}   ${us(theirs)}   ${
        (theirs / ours).toFixed(2).padStart(6)
      }×`,
    );
  }
}
console.log(`  alternatives (µs per op)         sequential  64 in flight`);
for (const name of Object.keys(ALTERNATIVES)) {
  console.log(`  ${name.padEnd(32)} ${us(median(`${name}|seq`))}    ${us(median(`${name}|64`))}`);
}
