/**
 * The match finder of `deflate.ts` (RFC 1951 §4): LZ77 over a 32 KiB window, hash chains of 3-byte
 * prefixes, bounded probes and one-step lazy matching, with zlib's level 6 parameters. A block's
 * matches and literals go to `tokens` and are counted (`deflate_codes.ts`) as they are found.
 *
 * The hash table is never cleared between calls: positions are stored offset by a base that grows
 * by the input's length on every call, so an entry below the current base is simply an empty slot.
 *
 * @module
 */

import { countLiteral, countMatch, MAX_MATCH } from "./deflate_codes.ts";

/** LZ77 window: the largest distance deflate can express. */
const WSIZE = 32768;
const WMASK = WSIZE - 1;
const HBITS = 15;
const MIN_MATCH = 3;
/** zlib's level 6 parameters: chain probes, lazy threshold, "good" and "nice" lengths. */
const MAX_CHAIN = 128;
const MAX_LAZY = 16;
const GOOD_LENGTH = 8;
const NICE_LENGTH = 128;
/** A 3-byte match further back than this costs about as much as three literals. */
const TOO_FAR = 4096;
/** Input bytes per block. */
export const BLOCK = 16384;

/** Latest position of each 3-byte hash, plus `base`; below `base` means empty. */
const head = new Int32Array(1 << HBITS);
/** Previous position with the same hash (plus `base`), indexed by position modulo the window. */
const link = new Int32Array(WSIZE);
/** Block tokens: a literal byte (< 256) or `distance << 9 | length`. */
export const tokens = new Uint32Array(BLOCK);
/**
 * The next input's base, the current input's base `b`, and the rolling hash input `v` between
 * blocks: the last bytes seen. An object's fields, not module-level `let`s: engines check those
 * for their temporal dead zone on every access.
 */
const state = { base: 1, b: 0, v: 0 };

/**
 * Starts on a new input of `n` bytes, whose positions are stored from a fresh base.
 *
 * @param data the input
 */
export function startInput(data: Uint8Array): void {
  const n = data.length;
  if (state.base > 0x7fffffff - n) {
    head.fill(0);
    link.fill(0);
    state.base = 1;
  }
  state.b = state.base;
  state.base += n;
  state.v = n > 1 ? (data[0] << 8) | data[1] : 0;
}

/** The rolling hash input after the byte at `pos + 2`: the three bytes at `pos`. */
function roll(v: number, data: Uint8Array, pos: number): number {
  return ((v << 8) | data[pos + 2]) & 0xffffff;
}

/** Enters position `pos`, whose three bytes are `v`, in the hash chains; returns the previous head. */
function insert(v: number, pos: number, b: number): number {
  const h = Math.imul(v, 0x9e3779b1) >>> (32 - HBITS);
  const first = head[h];
  link[pos & WMASK] = first;
  head[h] = pos + b;
  return first;
}

/**
 * The longest match for `pos` longer than `prevLen` (and than 2), up to `limit` bytes, searching
 * the chain from `first`.
 *
 * @returns `distance << 9 | length`, or 0 when there is none worth coding
 */
function longestMatch(
  data: Uint8Array,
  pos: number,
  first: number,
  prevLen: number,
  limit: number,
  b: number,
): number {
  let best = prevLen < MIN_MATCH - 1 ? MIN_MATCH - 1 : prevLen;
  if (best >= limit) return 0;
  const nice = limit < NICE_LENGTH ? limit : NICE_LENGTH;
  const floor = pos - WSIZE;
  let chain = prevLen >= GOOD_LENGTH ? MAX_CHAIN >> 2 : MAX_CHAIN;
  let dist = 0;
  for (let c = first - b; c >= floor;) {
    if (
      data[c + best] === data[pos + best] && data[c] === data[pos] && data[c + 1] === data[pos + 1]
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
  if (dist === 0 || (best === MIN_MATCH && dist > TOO_FAR)) return 0;
  return (dist << 9) | best;
}

/**
 * LZ77 of `data[start .. end)` into `tokens`, counting its symbols. One-step lazy matching: a
 * match found at pos - 1 waits for pos to find a longer one.
 *
 * @returns how many tokens the block has
 */
export function lz77(data: Uint8Array, start: number, end: number): number {
  const n = data.length;
  const { b } = state;
  let { v } = state;
  let nt = 0;
  let pos = start;
  let prev = 0; // the match at pos - 1, `distance << 9 | length`
  let pending = false; // whether the byte at pos - 1 still waits for a token
  while (pos < end) {
    const prevLen = prev & 511;
    let match = 0;
    if (pos + 2 < n) {
      v = roll(v, data, pos);
      const first = insert(v, pos, b);
      if (first >= b && prevLen < MAX_LAZY) {
        match = longestMatch(data, pos, first, prevLen, Math.min(MAX_MATCH, end - pos), b);
      }
    }
    if (prevLen >= MIN_MATCH && (match & 511) <= prevLen) {
      tokens[nt++] = prev;
      countMatch(prevLen, prev >>> 9);
      // The match covers pos - 1 .. stop - 1; pos is in the table already, hash the rest.
      const stop = pos - 1 + prevLen;
      for (let p = pos + 1; p < stop && p + 2 < n; p++) insert(v = roll(v, data, p), p, b);
      pos = stop;
      prev = 0;
      pending = false;
    } else {
      if (pending) {
        tokens[nt++] = data[pos - 1];
        countLiteral(data[pos - 1]);
      }
      pending = true;
      prev = match;
      pos++;
    }
  }
  if (pending) {
    tokens[nt++] = data[pos - 1];
    countLiteral(data[pos - 1]);
  }
  state.v = v;
  return nt;
}
