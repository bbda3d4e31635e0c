/**
 * Our primitives against what they stand in for, on session-sized input: the platform
 * (`crypto.subtle`, `CompressionStream`/`DecompressionStream`, `btoa`/`atob`,
 * `Uint8Array.prototype.toBase64` where the runtime has it) and the kept libraries (`@noble/hashes`,
 * `fflate`, `pako`). This is the measurement CONTRIBUTING.md asks of an own primitive. Standalone:
 *
 *   node --import tsx bench/primitives.bench.ts
 *   node_modules/.bin/bun bench/primitives.bench.ts
 *   node_modules/.bin/deno run -A bench/primitives.bench.ts
 *
 * Inputs: the JSON of a 250-byte session and of a 2 KB one (a longer cart), their zlib streams as
 * Django's `zlib.compress` would write them (ours match it to a byte or two), and the signed text
 * of a session token for the HMACs. Each round (BENCH_RUNS, default 3) times every entry for
 * BENCH_SECONDS / 4 (default 0.25 s), one call at a time, awaiting those that return a promise, as
 * a request handler does; the median round is printed. Ratio: their time / ours, above 1 is ours
 * faster. Before timing, every alternative's output is checked against ours.
 */
import process from "node:process";
import { hmac as nobleHmac } from "@noble/hashes/hmac.js";
import { sha1 as nobleSha1 } from "@noble/hashes/legacy.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { unzlibSync, zlibSync } from "fflate";
import * as pako from "pako";
import { b64Decode, b64Encode } from "../src/primitives/base64.ts";
import { deflateSync } from "../src/primitives/deflate.ts";
import { inflate } from "../src/primitives/inflate.ts";
import { type HashFunction, Hmac, sha1, sha256 } from "../src/primitives/sha.ts";
import { RUNTIME_VERSION as runtime } from "../tests/_runtime.ts";
import { type Round, roundMedian } from "./_rounds.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1) / 4;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

type Op = () => unknown;
interface Row {
  primitive: string;
  name: string;
  ops: Record<string, Op>; // by input size
}

const session = (items: number) =>
  JSON.stringify({
    _auth_user_id: "42",
    _auth_user_backend: "django.contrib.auth.backends.ModelBackend",
    _auth_user_hash: "8f2c0a3e5b1d7f4c9a6e2b8d0c3f5a7e1b9d4c6f8a2e0b3d5c7f9a1e4b6d8c0a",
    cart: Array.from({ length: items }, (_, i) => ({ sku: `A-${i}`, qty: 1 + (i % 3) })),
  });
const encoder = new TextEncoder();
const SIZES: Record<string, Uint8Array> = {
  "250 B": encoder.encode(session(2)),
  "2 KB": encoder.encode(session(75)),
};
const zlibOf = Object.fromEntries(
  Object.entries(SIZES).map(([size, json]) => [size, deflateSync(json).slice()]),
);
// The signed text of a token: what the HMAC runs over (".", base64 of the zlib, ":", timestamp).
const signedOf = Object.fromEntries(
  Object.entries(zlibOf).map(([size, z]) => [size, encoder.encode(`.${b64Encode(z)}:1r31eq`)]),
);
const key = encoder.encode("django.contrib.sessions.SessionStoresignerdjango-insecure-bench");

async function throughStream(
  stream: CompressionStream | DecompressionStream,
  data: Uint8Array,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  writer.write(data as Uint8Array<ArrayBuffer>);
  writer.close();
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      return chunks.length === 1 ? chunks[0] : Uint8Array.from(chunks.flatMap((c) => [...c]));
    }
    chunks.push(value);
  }
}

const perSize = (make: (size: string) => Op): Record<string, Op> =>
  Object.fromEntries(Object.keys(SIZES).map((size) => [size, make(size)]));

async function hmacRows(label: string, fn: HashFunction, hash: "SHA-256" | "SHA-1") {
  const ours = new Hmac(fn, key);
  const subtle = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash }, false, [
    "sign",
  ]);
  const noble = fn === sha256 ? nobleSha256 : nobleSha1;
  return [
    { primitive: label, name: "ours", ops: perSize((s) => () => ours.sign(signedOf[s])) },
    {
      primitive: label,
      name: "crypto.subtle",
      ops: perSize((s) => async () =>
        new Uint8Array(
          await crypto.subtle.sign("HMAC", subtle, signedOf[s] as Uint8Array<ArrayBuffer>),
        )
      ),
    },
    {
      primitive: label,
      name: "@noble/hashes",
      ops: perSize((s) => () => nobleHmac(noble, key, signedOf[s])),
    },
  ];
}

const toBase64 = (Uint8Array.prototype as { toBase64?: (o: object) => string }).toBase64;
const fromBase64 = (Uint8Array as { fromBase64?: (s: string, o: object) => Uint8Array }).fromBase64;
const b64Text = Object.fromEntries(Object.entries(zlibOf).map(([s, z]) => [s, b64Encode(z)]));
const btoaUrl = (bytes: Uint8Array) => {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
const atobUrl = (text: string) => {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
};

const ROWS: Row[] = [
  ...await hmacRows("HMAC-SHA256", sha256, "SHA-256"),
  ...await hmacRows("HMAC-SHA1", sha1, "SHA-1"),
  { primitive: "inflate", name: "ours", ops: perSize((s) => () => inflate(zlibOf[s], 1 << 20)) },
  {
    primitive: "inflate",
    name: "DecompressionStream",
    ops: perSize((s) => () => throughStream(new DecompressionStream("deflate"), zlibOf[s])),
  },
  { primitive: "inflate", name: "fflate", ops: perSize((s) => () => unzlibSync(zlibOf[s])) },
  { primitive: "inflate", name: "pako", ops: perSize((s) => () => pako.inflate(zlibOf[s])) },
  { primitive: "deflate", name: "ours", ops: perSize((s) => () => deflateSync(SIZES[s])) },
  {
    primitive: "deflate",
    name: "CompressionStream",
    ops: perSize((s) => () => throughStream(new CompressionStream("deflate"), SIZES[s])),
  },
  {
    primitive: "deflate",
    name: "fflate",
    ops: perSize((s) => () => zlibSync(SIZES[s], { level: 6 })),
  },
  { primitive: "deflate", name: "pako", ops: perSize((s) => () => pako.deflate(SIZES[s])) },
  { primitive: "base64url encode", name: "ours", ops: perSize((s) => () => b64Encode(zlibOf[s])) },
  { primitive: "base64url encode", name: "btoa", ops: perSize((s) => () => btoaUrl(zlibOf[s])) },
  ...(toBase64
    ? [{
      primitive: "base64url encode",
      name: "toBase64",
      ops: perSize((s) => () =>
        toBase64.call(zlibOf[s], { alphabet: "base64url", omitPadding: true })
      ),
    }]
    : []),
  { primitive: "base64url decode", name: "ours", ops: perSize((s) => () => b64Decode(b64Text[s])) },
  { primitive: "base64url decode", name: "atob", ops: perSize((s) => () => atobUrl(b64Text[s])) },
  ...(fromBase64
    ? [{
      primitive: "base64url decode",
      name: "fromBase64",
      ops: perSize((s) => () => fromBase64(b64Text[s], { alphabet: "base64url" })),
    }]
    : []),
];

/** Each alternative gives what ours gives (a deflate's output inflates back to the input). */
async function check(): Promise<void> {
  const same = (a: Uint8Array, b: Uint8Array) =>
    a.length === b.length && a.every((byte, i) => byte === b[i]);
  for (const row of ROWS) {
    const ours = ROWS.find((r) => r.primitive === row.primitive && r.name === "ours")!;
    for (const size of Object.keys(SIZES)) {
      const theirs = await row.ops[size]();
      const expected = await ours.ops[size]();
      const ok = row.primitive === "deflate"
        ? same(inflate(theirs as Uint8Array, 1 << 20), SIZES[size])
        : typeof expected === "string"
        ? theirs === expected
        : same(theirs as Uint8Array, expected as Uint8Array);
      if (!ok) throw new Error(`${row.primitive} ${row.name} (${size}) disagrees with ours`);
    }
  }
}

/** Microseconds per call, one at a time. */
async function sequential(op: Op): Promise<number> {
  const promised = op() instanceof Promise;
  // Warm up for a tenth of a second: the libraries' code takes a while to reach the optimiser.
  for (const warm = performance.now() + 100; performance.now() < warm;) await op();
  let count = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    if (promised) { for (let i = 0; i < 20; i++) await op(); }
    else for (let i = 0; i < 20; i++) op();
    count += 20;
  }
  return (performance.now() - start) * 1000 / count;
}

await check();
const rounds: Round[] = [];
for (let r = 0; r < RUNS; r++) {
  const round: Round = {};
  for (const row of ROWS) {
    for (const [size, op] of Object.entries(row.ops)) {
      round[`${row.primitive}|${row.name}|${size}`] = await sequential(op);
    }
  }
  rounds.push(round);
}
const median = (key: string) => roundMedian(rounds, key);

const sizes = Object.keys(SIZES);
console.log(
  `\nprimitives bench (${runtime}), µs per call, median of ${RUNS} rounds; ratio = theirs / ours` +
    ` (above 1: ours is faster)`,
);
console.log(
  `  ${"".padEnd(38)}` + sizes.map((s) => `${s.padStart(9)} µs   ratio`).join("  "),
);
for (const row of ROWS) {
  const cells = sizes.map((size) => {
    const us = median(`${row.primitive}|${row.name}|${size}`);
    const ours = median(`${row.primitive}|ours|${size}`);
    const ratio = row.name === "ours" ? "" : `${(us / ours).toFixed(1)}×`;
    return `${us.toFixed(2).padStart(12)}  ${ratio.padStart(6)}`;
  });
  console.log(`  ${`${row.primitive}: ${row.name}`.padEnd(38)}${cells.join("  ")}`);
}
