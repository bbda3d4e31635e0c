/**
 * A synchronous zlib (RFC 1950) compressor for session-sized inputs, written from RFC 1950/1951:
 * LZ77 over a 32 KiB window (hash chains of 3-byte prefixes, bounded probes, one-step lazy
 * matching as zlib's level 6 does), fixed-Huffman blocks (BTYPE=01), and stored blocks (BTYPE=00)
 * wherever a fixed block would come out larger. No dynamic Huffman: `CompressionStream("deflate")`
 * stays the better choice for large inputs, where zlib's dynamic codes save more.
 *
 * No per-call allocation besides the result: the hash table, the chain links, the token buffer and
 * the output buffer live at module level, and the code tables are built once at load. The hash
 * table is never cleared between calls: positions are stored offset by a base that grows by the
 * input's length on every call, so an entry below the current base is simply an empty slot.
 *
 * @module
 */

/** LZ77 window: the largest distance deflate can express. */
const WSIZE = 32768;
const WMASK = WSIZE - 1;
const HBITS = 15;
const HSIZE = 1 << HBITS;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
/** zlib's level 6 parameters: chain probes, lazy threshold, "good" and "nice" lengths. */
const MAX_CHAIN = 128;
const MAX_LAZY = 16;
const GOOD_LENGTH = 8;
const NICE_LENGTH = 128;
/** A 3-byte match further back than this costs about as much as three literals. */
const TOO_FAR = 4096;
/** Input bytes per block: each block is fixed Huffman or, if that is larger, one stored block. */
const BLOCK = 16384;
/** The shared output buffer grows up to this; larger outputs get a buffer of their own. */
const SHARED_MAX = 1 << 18;
/** Results up to this size are cut from a pooled slab, as Node's `Buffer` does (see `result`). */
const POOL_MAX = 1024;
const SLAB = 16384;

/** Latest position of each 3-byte hash, plus `base`; below `base` means empty. */
const head = new Int32Array(HSIZE);
/** Previous position with the same hash (plus `base`), indexed by position modulo the window. */
const link = new Int32Array(WSIZE);
/** Block tokens: a literal byte (< 256) or `distance << 9 | length`. */
const tokens = new Uint32Array(BLOCK);
let base = 1;
let shared = new Uint8Array(1024);
let slab = new ArrayBuffer(SLAB);
let slabUsed = 0;

/**
 * A copy of `out[0 .. size)`. A fresh small typed array costs 0.3–1 µs on V8 (its backing store
 * lives outside the heap), several times the rest of a session's compression, so small results are
 * views into a shared slab, each its own never-reused range: only `.buffer` shows the sharing.
 */
function result(out: Uint8Array, size: number): Uint8Array {
  if (size > POOL_MAX) return out.slice(0, size);
  // A slab that was transferred elsewhere is detached: its length is 0.
  if (slabUsed + size > slab.byteLength) {
    slab = new ArrayBuffer(SLAB);
    slabUsed = 0;
  }
  const view = new Uint8Array(slab, slabUsed, size);
  view.set(out.subarray(0, size));
  slabUsed += (size + 7) & ~7;
  return view;
}

/** Reverses the low `bits` bits of `code`: Huffman codes go out most significant bit first. */
function reverse(code: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) {
    r = (r << 1) | (code & 1);
    code >>>= 1;
  }
  return r;
}

/** Fixed literal codes (RFC 1951 §3.2.6), bit-reversed, and their lengths. */
const LIT_CODE = new Uint16Array(256);
const LIT_BITS = new Uint8Array(256);
/** For each match length 3..258: its length code (bit-reversed) followed by its extra bits. */
const LEN_CODE = new Uint16Array(MAX_MATCH + 1);
const LEN_BITS = new Uint8Array(MAX_MATCH + 1);
/** Distance code of distance d: `DIST_SYM[d - 1]` below 257, else `DIST_SYM[256 + ((d - 1) >> 7)]`. */
const DIST_SYM = new Uint8Array(512);
const DIST_BASE = new Uint16Array(30);
const DIST_EXTRA = new Uint8Array(30);
/** The 5-bit fixed distance codes, bit-reversed. */
const DIST_CODE = new Uint8Array(30);
/** End-of-block: symbol 256, seven zero bits. */
const EOB_BITS = 7;

for (let c = 0; c < 256; c++) {
  if (c < 144) {
    LIT_CODE[c] = reverse(0x30 + c, 8);
    LIT_BITS[c] = 8;
  } else {
    LIT_CODE[c] = reverse(0x190 + c - 144, 9);
    LIT_BITS[c] = 9;
  }
}
{
  // Length symbols 257..285: base lengths and extra bits.
  let length = 3;
  for (let sym = 257; sym <= 285; sym++) {
    const extra = sym < 265 || sym === 285 ? 0 : ((sym - 261) >> 2);
    const code = sym < 280 ? reverse(sym - 256, 7) : reverse(0xc0 + sym - 280, 8);
    const bits = sym < 280 ? 7 : 8;
    const count = sym === 285 ? 1 : 1 << extra;
    for (let i = 0; i < count && length <= MAX_MATCH; i++, length++) {
      // Length 258 is symbol 285 (no extra bits), not the last value of symbol 284.
      if (length === MAX_MATCH && sym !== 285) break;
      LEN_CODE[length] = code | (i << bits);
      LEN_BITS[length] = bits + extra;
    }
  }
  let distance = 1;
  for (let sym = 0; sym < 30; sym++) {
    const extra = sym < 4 ? 0 : (sym >> 1) - 1;
    DIST_BASE[sym] = distance;
    DIST_EXTRA[sym] = extra;
    DIST_CODE[sym] = reverse(sym, 5);
    for (let i = 0; i < 1 << extra; i++, distance++) {
      const d = distance - 1;
      if (d < 256) DIST_SYM[d] = sym;
      else DIST_SYM[256 + (d >> 7)] = sym;
    }
  }
}

/** Adler-32 (RFC 1950 §9), the modulo deferred over runs of 5552 bytes. */
function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  const n = data.length;
  for (let i = 0; i < n;) {
    const stop = Math.min(i + 5552, n);
    for (; i < stop; i++) {
      a += data[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return (b * 65536 + a) >>> 0;
}

/**
 * Compresses `data` into a complete zlib stream (RFC 1950): header `78 9c`, deflate data of
 * fixed-Huffman and stored blocks, and the big-endian Adler-32 of `data`. What Python's
 * `zlib.decompress` and `DecompressionStream("deflate")` read back; synchronous, and meant for
 * session-sized inputs (any size works).
 *
 * @example Compress a small session
 * ```ts
 * import { deflateSync } from "./deflate.ts";
 *
 * const zlib = deflateSync(new TextEncoder().encode('{"a":"aaaaaaaaaaaaaaaa"}'));
 * console.assert(zlib[0] === 0x78 && zlib.length < 24);
 * ```
 *
 * @param data the bytes to compress
 * @returns a new array holding the zlib stream
 */
export function deflateSync(data: Uint8Array): Uint8Array {
  const n = data.length;
  if (base > 0x7fffffff - n) {
    head.fill(0);
    link.fill(0);
    base = 1;
  }
  const b = base;
  base += n;
  // No block comes out larger than storing it: the bytes, plus 6 bytes per block and the frame.
  const need = n + 6 * ((n / BLOCK) | 0) + 16;
  let out = shared;
  if (need > out.length) {
    if (need <= SHARED_MAX) {
      shared = out = new Uint8Array(Math.min(SHARED_MAX, Math.max(need, out.length * 2)));
    } else out = new Uint8Array(need);
  }
  out[0] = 0x78;
  out[1] = 0x9c;
  let op = 2;
  let bb = 0; // bit buffer, least significant bit first
  let bc = 0; // bits in the buffer, < 8 between writes
  let v = n > 1 ? (data[0] << 8) | data[1] : 0; // rolling hash input: the last bytes seen
  let start = 0;
  do {
    const end = Math.min(start + BLOCK, n);
    const last = end === n ? 1 : 0;
    // LZ77 with one-step lazy matching: a match found at pos - 1 waits for pos to find a longer one.
    let nt = 0;
    let cost = 3 + EOB_BITS;
    let pos = start;
    let prevLen = 0;
    let prevDist = 0;
    let pending = false;
    while (pos < end) {
      let len = 0;
      let dist = 0;
      if (pos + 2 < n) {
        // The three bytes at pos, rolled in: every position is hashed once, in order.
        v = ((v << 8) | data[pos + 2]) & 0xffffff;
        const h = Math.imul(v, 0x9e3779b1) >>> (32 - HBITS);
        const first = head[h];
        link[pos & WMASK] = first;
        head[h] = pos + b;
        const limit = Math.min(MAX_MATCH, end - pos);
        let best = prevLen < MIN_MATCH - 1 ? MIN_MATCH - 1 : prevLen;
        if (first >= b && prevLen < MAX_LAZY && best < limit) {
          const nice = limit < NICE_LENGTH ? limit : NICE_LENGTH;
          const floor = pos - WSIZE;
          let chain = prevLen >= GOOD_LENGTH ? MAX_CHAIN >> 2 : MAX_CHAIN;
          let c = first - b;
          while (c >= floor) {
            if (
              data[c + best] === data[pos + best] && data[c] === data[pos] &&
              data[c + 1] === data[pos + 1]
            ) {
              let l = 2;
              while (l < limit && data[c + l] === data[pos + l]) l++;
              if (l > best) {
                best = l;
                dist = pos - c;
                if (l >= nice) break;
              }
            }
            if (--chain === 0) break;
            const next = link[c & WMASK] - b;
            if (next >= c || next < 0) break;
            c = next;
          }
          if (dist !== 0) {
            len = best;
            if (len === MIN_MATCH && dist > TOO_FAR) len = 0;
          }
        }
      }
      if (prevLen >= MIN_MATCH && len <= prevLen) {
        tokens[nt++] = (prevDist << 9) | prevLen;
        const d = prevDist - 1;
        cost += LEN_BITS[prevLen] + 5 +
          DIST_EXTRA[d < 256 ? DIST_SYM[d] : DIST_SYM[256 + (d >> 7)]];
        // The match covers pos - 1 .. stop - 1; pos is in the table already, hash the rest.
        const stop = pos - 1 + prevLen;
        for (let p = pos + 1; p < stop; p++) {
          if (p + 2 >= n) break;
          v = ((v << 8) | data[p + 2]) & 0xffffff;
          const h = Math.imul(v, 0x9e3779b1) >>> (32 - HBITS);
          link[p & WMASK] = head[h];
          head[h] = p + b;
        }
        pos = stop;
        prevLen = 0;
        pending = false;
      } else {
        if (pending) {
          const c = data[pos - 1];
          tokens[nt++] = c;
          cost += LIT_BITS[c];
        }
        pending = true;
        prevLen = len;
        prevDist = dist;
        pos++;
      }
    }
    if (pending) {
      const c = data[pos - 1];
      tokens[nt++] = c;
      cost += LIT_BITS[c];
    }

    // A stored block: 3 header bits, padding to a byte, LEN and NLEN, the bytes.
    const storedCost = 3 + ((8 - ((bc + 3) & 7)) & 7) + 32 + 8 * (end - start);
    if (cost <= storedCost) {
      bb |= (last | 2) << bc; // BFINAL, then BTYPE=01 least significant bit first
      bc += 3;
      for (let i = 0; i < nt; i++) {
        const t = tokens[i];
        if (t < 256) {
          bb |= LIT_CODE[t] << bc;
          bc += LIT_BITS[t];
        } else {
          const len = t & 511;
          bb |= LEN_CODE[len] << bc;
          bc += LEN_BITS[len];
          while (bc >= 8) {
            out[op++] = bb;
            bb >>= 8;
            bc -= 8;
          }
          const dist = t >>> 9;
          const d = dist - 1;
          const sym = d < 256 ? DIST_SYM[d] : DIST_SYM[256 + (d >> 7)];
          bb |= (DIST_CODE[sym] | ((dist - DIST_BASE[sym]) << 5)) << bc;
          bc += 5 + DIST_EXTRA[sym];
        }
        while (bc >= 8) {
          out[op++] = bb;
          bb >>= 8;
          bc -= 8;
        }
      }
      bc += EOB_BITS; // symbol 256 is seven zero bits
      while (bc >= 8) {
        out[op++] = bb;
        bb >>= 8;
        bc -= 8;
      }
    } else {
      bb |= last << bc; // BFINAL, BTYPE=00
      bc += 3;
      while (bc > 0) {
        out[op++] = bb;
        bb >>= 8;
        bc -= 8;
      }
      bb = 0;
      bc = 0;
      const size = end - start;
      out[op++] = size;
      out[op++] = size >>> 8;
      out[op++] = ~size;
      out[op++] = ~size >>> 8;
      out.set(data.subarray(start, end), op);
      op += size;
    }
    start = end;
  } while (start < n);
  if (bc > 0) out[op++] = bb;
  const sum = adler32(data);
  out[op++] = sum >>> 24;
  out[op++] = sum >>> 16;
  out[op++] = sum >>> 8;
  out[op++] = sum;
  return out === shared ? result(out, op) : out.subarray(0, op);
}
