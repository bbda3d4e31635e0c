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
  compress(state, bytes, offset) {
    loadWords(bytes, offset);
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = state[0], b = state[1], c = state[2], d = state[3];
    let e = state[4], f = state[5], g = state[6], h = state[7];
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K256[i] + w[i]) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    state[0] = (state[0] + a) | 0;
    state[1] = (state[1] + b) | 0;
    state[2] = (state[2] + c) | 0;
    state[3] = (state[3] + d) | 0;
    state[4] = (state[4] + e) | 0;
    state[5] = (state[5] + f) | 0;
    state[6] = (state[6] + g) | 0;
    state[7] = (state[7] + h) | 0;
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
