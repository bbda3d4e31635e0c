/**
 * SHA-1 and SHA-256 (FIPS 180-4) and their HMAC (RFC 2104), synchronous, for the signatures on the
 * hot path: every session read verifies one. `crypto.subtle.sign` costs 20–30 µs per call when
 * awaited one at a time (the work is queued to another thread and back), about as much as Django's
 * whole `decode`; here an HMAC of a session-sized message is 2–4 µs (`bench/codec.bench.ts`).
 *
 * An {@linkcode Hmac} keeps the hash state after its inner and outer key blocks, so a message costs
 * only its own blocks plus one outer block. The code has no branch or table lookup that depends on
 * the data or the key (only on lengths); `tests/signing_sha.test.ts` checks every message length
 * across several blocks against `crypto.subtle` and Python's `hmac`.
 *
 * @module
 */

/** A Merkle–Damgård hash with 64-byte blocks and a big-endian 64-bit length: SHA-1 or SHA-256. */
export interface HashFunction {
  /** Bytes in a digest: 20 or 32. */
  readonly digestBytes: number;
  /** The initial state words. */
  readonly iv: Int32Array;
  /** Mixes the 64-byte block at `offset` of `bytes` into `state`. */
  compress(state: Int32Array, bytes: Uint8Array, offset: number): void;
}

const BLOCK = 64;
// Scratch, safe to share because nothing here awaits: the final block(s), the message schedule,
// and the working state.
const tail = new Uint8Array(2 * BLOCK);
const w = new Int32Array(80);
const h = new Int32Array(8);

function loadWords(bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++, offset += 4) {
    w[i] = (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) |
      bytes[offset + 3];
  }
}

const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));

// deno-fmt-ignore
const K256 = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 (FIPS 180-4 §6.2). */
export const sha256: HashFunction = {
  digestBytes: 32,
  // deno-fmt-ignore
  iv: Int32Array.from([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]),
  // Unrolled 16 rounds at a time, with the message schedule a rolling window of 16 locals and the
  // working variables renamed instead of shifted: 1.2-1.6x faster than a loop over a 64-word array
  // (V8, JSC), and a session's HMAC is 5 of these. Each round's two lines are FIPS 180-4 §6.2.2
  // step 3 (T1; then d += T1, h = T1 + T2); each pair of schedule lines is step 1 (W[t]).
  // deno-fmt-ignore
  compress(state, bytes, offset) {
    loadWords(bytes, offset);
    let w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], w6 = w[6], w7 = w[7];
    let w8 = w[8], w9 = w[9], w10 = w[10], w11 = w[11], w12 = w[12], w13 = w[13], w14 = w[14], w15 = w[15];
    let a = state[0], b = state[1], c = state[2], d = state[3];
    let e = state[4], f = state[5], g = state[6], h = state[7];
    for (let i = 0, t = 0, x = 0; ; i += 16) {
      t = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K256[i + 0] + w0) | 0;
      d = (d + t) | 0; h = (t + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (c & (a ^ b)))) | 0;
      t = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + K256[i + 1] + w1) | 0;
      c = (c + t) | 0; g = (t + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) ^ (b & (h ^ a)))) | 0;
      t = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + K256[i + 2] + w2) | 0;
      b = (b + t) | 0; f = (t + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) ^ (a & (g ^ h)))) | 0;
      t = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + K256[i + 3] + w3) | 0;
      a = (a + t) | 0; e = (t + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) ^ (h & (f ^ g)))) | 0;
      t = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + K256[i + 4] + w4) | 0;
      h = (h + t) | 0; d = (t + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) ^ (g & (e ^ f)))) | 0;
      t = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + K256[i + 5] + w5) | 0;
      g = (g + t) | 0; c = (t + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) ^ (f & (d ^ e)))) | 0;
      t = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + K256[i + 6] + w6) | 0;
      f = (f + t) | 0; b = (t + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) ^ (e & (c ^ d)))) | 0;
      t = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + K256[i + 7] + w7) | 0;
      e = (e + t) | 0; a = (t + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) ^ (d & (b ^ c)))) | 0;
      t = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K256[i + 8] + w8) | 0;
      d = (d + t) | 0; h = (t + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (c & (a ^ b)))) | 0;
      t = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + K256[i + 9] + w9) | 0;
      c = (c + t) | 0; g = (t + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) ^ (b & (h ^ a)))) | 0;
      t = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + K256[i + 10] + w10) | 0;
      b = (b + t) | 0; f = (t + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) ^ (a & (g ^ h)))) | 0;
      t = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + K256[i + 11] + w11) | 0;
      a = (a + t) | 0; e = (t + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) ^ (h & (f ^ g)))) | 0;
      t = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + K256[i + 12] + w12) | 0;
      h = (h + t) | 0; d = (t + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) ^ (g & (e ^ f)))) | 0;
      t = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + K256[i + 13] + w13) | 0;
      g = (g + t) | 0; c = (t + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) ^ (f & (d ^ e)))) | 0;
      t = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + K256[i + 14] + w14) | 0;
      f = (f + t) | 0; b = (t + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) ^ (e & (c ^ d)))) | 0;
      t = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + K256[i + 15] + w15) | 0;
      e = (e + t) | 0; a = (t + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) ^ (d & (b ^ c)))) | 0;
      if (i === 48) break;
      x = w1; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w14; w0 = (w0 + t + w9 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w2; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w15; w1 = (w1 + t + w10 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w3; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w0; w2 = (w2 + t + w11 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w4; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w1; w3 = (w3 + t + w12 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w5; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w2; w4 = (w4 + t + w13 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w6; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w3; w5 = (w5 + t + w14 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w7; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w4; w6 = (w6 + t + w15 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w8; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w5; w7 = (w7 + t + w0 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w9; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w6; w8 = (w8 + t + w1 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w10; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w7; w9 = (w9 + t + w2 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w11; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w8; w10 = (w10 + t + w3 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w12; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w9; w11 = (w11 + t + w4 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w13; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w10; w12 = (w12 + t + w5 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w14; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w11; w13 = (w13 + t + w6 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w15; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w12; w14 = (w14 + t + w7 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
      x = w0; t = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      x = w13; w15 = (w15 + t + w8 + (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10))) | 0;
    }
    state[0] = (state[0] + a) | 0; state[1] = (state[1] + b) | 0; state[2] = (state[2] + c) | 0;
    state[3] = (state[3] + d) | 0; state[4] = (state[4] + e) | 0; state[5] = (state[5] + f) | 0;
    state[6] = (state[6] + g) | 0; state[7] = (state[7] + h) | 0;
  },
};

/** SHA-1 (FIPS 180-4 §6.1): Django's legacy session hash and the signatures 3.1/3.2 still accept. */
export const sha1: HashFunction = {
  digestBytes: 20,
  iv: Int32Array.from([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]),
  compress(state, bytes, offset) {
    loadWords(bytes, offset);
    for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    let a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
    for (let i = 0; i < 80; i++) {
      const f = i < 20
        ? ((b & c) | (~b & d)) + 0x5a827999
        : i < 40
        ? (b ^ c ^ d) + 0x6ed9eba1
        : i < 60
        ? ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc
        : (b ^ c ^ d) + 0xca62c1d6;
      const t = (rotl(a, 5) + f + e + w[i]) | 0;
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = t;
    }
    state[0] = (state[0] + a) | 0;
    state[1] = (state[1] + b) | 0;
    state[2] = (state[2] + c) | 0;
    state[3] = (state[3] + d) | 0;
    state[4] = (state[4] + e) | 0;
  },
};

/**
 * Finishes a hash: absorbs `data[0 .. length)` into a copy of `state`, which has already absorbed
 * `prior` bytes (whole blocks), pads, and writes the digest into `out`, which it returns.
 */
function finish(
  fn: HashFunction,
  state: Int32Array,
  prior: number,
  data: Uint8Array,
  length: number,
  out: Uint8Array,
): Uint8Array {
  h.set(state);
  const whole = length - (length % BLOCK);
  for (let offset = 0; offset < whole; offset += BLOCK) fn.compress(h, data, offset);
  const rest = length - whole;
  const end = rest + 9 > BLOCK ? 2 * BLOCK : BLOCK;
  // A loop, not `tail.set(data.subarray(...))`: a view per call costs more than 55 byte copies.
  for (let i = 0; i < rest; i++) tail[i] = data[whole + i];
  tail[rest] = 0x80;
  for (let i = rest + 1; i < end - 8; i++) tail[i] = 0;
  const bits = (prior + length) * 8;
  const high = Math.floor(bits / 0x100000000);
  const low = bits >>> 0;
  for (let i = 0; i < 4; i++) {
    tail[end - 8 + i] = high >>> (24 - 8 * i);
    tail[end - 4 + i] = low >>> (24 - 8 * i);
  }
  fn.compress(h, tail, 0);
  if (end > BLOCK) fn.compress(h, tail, BLOCK);
  for (let i = 0; i < fn.digestBytes; i++) out[i] = h[i >> 2] >>> (24 - 8 * (i & 3));
  return out;
}

/**
 * The digest of `data`.
 *
 * @param fn {@linkcode sha1} or {@linkcode sha256}
 * @param data the bytes to hash
 * @returns the digest
 */
export function hash(fn: HashFunction, data: Uint8Array): Uint8Array {
  return finish(fn, fn.iv, 0, data, data.length, new Uint8Array(fn.digestBytes));
}

/**
 * An HMAC key, prepared once: the hash states after the inner and outer key blocks.
 *
 * @example
 * ```ts ignore
 * const mac = new Hmac(sha256, keyBytes);
 * const tag = mac.sign(new TextEncoder().encode("message")); // 32 bytes
 * ```
 */
export class Hmac {
  readonly #fn: HashFunction;
  readonly #inner: Int32Array;
  readonly #outer: Int32Array;
  /** Scratch for the inner digest (sign never awaits, so one per key is enough). */
  readonly #innerDigest: Uint8Array;

  /**
   * Prepares `key` (hashed first when longer than a block, as RFC 2104 says).
   *
   * @param fn {@linkcode sha1} or {@linkcode sha256}
   * @param key the raw key
   */
  constructor(fn: HashFunction, key: Uint8Array) {
    this.#fn = fn;
    this.#innerDigest = new Uint8Array(fn.digestBytes);
    const padded = new Uint8Array(BLOCK);
    padded.set(key.length > BLOCK ? hash(fn, key) : key);
    this.#inner = this.#keyed(padded, 0x36);
    this.#outer = this.#keyed(padded, 0x5c);
  }

  #keyed(padded: Uint8Array, pad: number): Int32Array {
    const state = this.#fn.iv.slice();
    this.#fn.compress(state, padded.map((byte) => byte ^ pad), 0);
    return state;
  }

  /** Bytes in a MAC: the hash's digest length, 20 or 32. */
  get macBytes(): number {
    return this.#fn.digestBytes;
  }

  /**
   * The MAC of `data`.
   *
   * @param data the message
   * @returns the raw MAC (the hash's digest length)
   */
  sign(data: Uint8Array): Uint8Array {
    return this.signInto(data, data.length, new Uint8Array(this.#fn.digestBytes));
  }

  /**
   * The MAC of `data[0 .. length)`, written into `out` (no allocation: the hot path's form).
   *
   * @param data the message's buffer
   * @param length the message's length
   * @param out where the MAC goes: at least {@linkcode Hmac.macBytes} long
   * @returns `out`
   */
  signInto(data: Uint8Array, length: number, out: Uint8Array): Uint8Array {
    const fn = this.#fn;
    const inner = finish(fn, this.#inner, BLOCK, data, length, this.#innerDigest);
    return finish(fn, this.#outer, BLOCK, inner, inner.length, out);
  }
}
