/**
 * The prefix codes of one deflate block, for `deflate.ts` and `lz77.ts`: the fixed tables (RFC 1951
 * §3.2.5–3.2.6), the block's symbol counts, minimum-redundancy code lengths limited to 15 (or 7)
 * bits, canonical codes (§3.2.2), and the run-length coded header of a dynamic block (§3.2.7).
 * Everything lives in module-level arrays reused from block to block: compressing never awaits.
 *
 * @module
 */

import { buildLengths, built, canonicalCodes } from "./code_lengths.ts";
import { CODE_LENGTH_ORDER, reverseBits } from "./deflate_format.ts";

export const MAX_MATCH = 258;
/** Literal/length symbols (0..285, 286 and 287 never occur) and distance symbols. */
const LITLEN = 286;
const DISTS = 30;
export const END_OF_BLOCK = 256;
/** Fixed codes (RFC 1951 §3.2.6), bit-reversed, and their lengths. */
export const FIXED_LIT_CODE = new Uint16Array(LITLEN);
export const FIXED_LIT_LEN = new Uint8Array(LITLEN);
export const FIXED_DIST_CODE = new Uint16Array(DISTS);
export const FIXED_DIST_LEN = new Uint8Array(DISTS).fill(5);
/** For each match length 3..258: its symbol, and its extra bits (count and value). */
export const LEN_SYM = new Uint16Array(MAX_MATCH + 1);
export const LEN_XBITS = new Uint8Array(MAX_MATCH + 1);
export const LEN_XVAL = new Uint8Array(MAX_MATCH + 1);
/** Distance symbol of distance d: `DIST_SYM[d - 1]` below 257, else `DIST_SYM[256 + ((d - 1) >> 7)]`. */
const DIST_SYM = new Uint8Array(512);
export const DIST_BASE = new Uint16Array(DISTS);
export const DIST_XBITS = new Uint8Array(DISTS);
/** Extra bits of each length symbol. */
const LEN_SYM_XBITS = new Uint8Array(LITLEN);

for (let sym = 0; sym < LITLEN; sym++) {
  const [first, start, bits] = sym < 144
    ? [0, 0x30, 8]
    : sym < 256
    ? [144, 0x190, 9]
    : sym < 280
    ? [256, 0, 7]
    : [280, 0xc0, 8];
  FIXED_LIT_CODE[sym] = reverseBits(start + sym - first, bits);
  FIXED_LIT_LEN[sym] = bits;
}
for (let sym = 257, length = 3; sym <= 285; sym++) {
  const extra = sym < 265 || sym === 285 ? 0 : (sym - 261) >> 2;
  LEN_SYM_XBITS[sym] = extra;
  // Length 258 is symbol 285 (no extra bits), not the last value of symbol 284.
  const count = sym === 285 ? 1 : sym === 284 ? 31 : 1 << extra;
  for (let i = 0; i < count; i++, length++) {
    LEN_SYM[length] = sym;
    LEN_XBITS[length] = extra;
    LEN_XVAL[length] = i;
  }
}
for (let sym = 0, distance = 1; sym < DISTS; sym++) {
  const extra = sym < 4 ? 0 : (sym >> 1) - 1;
  DIST_BASE[sym] = distance;
  DIST_XBITS[sym] = extra;
  FIXED_DIST_CODE[sym] = reverseBits(sym, 5);
  for (let i = 0; i < 1 << extra; i++, distance++) {
    const d = distance - 1;
    if (d < 256) DIST_SYM[d] = sym;
    else DIST_SYM[256 + (d >> 7)] = sym;
  }
}

/** The distance symbol of `distance` (1..32768). */
export function distSymbol(distance: number): number {
  const d = distance - 1;
  return d < 256 ? DIST_SYM[d] : DIST_SYM[256 + (d >> 7)];
}

/** Symbol counts of the block, and which symbols occur (a bit each); all zero between blocks. */
const litFreq = new Uint32Array(LITLEN);
const distFreq = new Uint32Array(DISTS);
const litSeen = new Int32Array(9);
const distSeen = new Int32Array(1);

/** Counts a literal byte. */
export function countLiteral(c: number): void {
  litFreq[c]++;
  litSeen[c >> 5] |= 1 << (c & 31);
}

/** Counts a match: its length symbol and its distance symbol. */
export function countMatch(length: number, distance: number): void {
  const lsym = LEN_SYM[length];
  const dsym = distSymbol(distance);
  litFreq[lsym]++;
  litSeen[lsym >> 5] |= 1 << (lsym & 31);
  distFreq[dsym]++;
  distSeen[0] |= 1 << dsym;
}

/** The symbols that occur, in increasing order (and up to two unused ones, see `buildLengths`). */
export const litSyms = new Uint16Array(LITLEN);
export const distSyms = new Uint16Array(DISTS);
const clSyms = new Uint16Array(19);
/** The block's dynamic codes (bit-reversed) and lengths; only occurring symbols are valid. */
export const litCode = new Uint16Array(LITLEN);
export const litLen = new Uint8Array(LITLEN);
export const distCode = new Uint16Array(DISTS);
export const distLen = new Uint8Array(DISTS);
/** Code-length alphabet (RFC 1951 §3.2.7): extra bits, counts, codes, lengths. */
export const CL_XBITS: readonly number[] = [
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  2,
  3,
  7,
];
const clFreq = new Uint32Array(19);
/** The first canonical code of each length, for each alphabet (see `buildLengths`). */
const litFirst = new Uint16Array(16);
const distFirst = new Uint16Array(16);
const clFirst = new Uint16Array(16);
export const clCode = new Uint16Array(19);
export const clLen = new Uint8Array(19);
/** The run-length coding of the code lengths: symbol and extra bits of each. */
export const rleSym = new Uint8Array(LITLEN + DISTS);
export const rleExtra = new Uint8Array(LITLEN + DISTS);
/** What `blockSizes` found: symbol counts, the header's RLE length and HCLEN, sizes in bits. */
export const block = {
  litCount: 0,
  distCount: 0,
  rleCount: 0,
  headerCodes: 4,
  fixed: 0,
  dynamic: 0,
};

/** The set bits of `seen` (one per symbol) into `syms`, in increasing order; returns how many. */
function seenSymbols(seen: Int32Array, words: number, syms: Uint16Array): number {
  let m = 0;
  for (let w = 0; w < words; w++) {
    for (let bits = seen[w]; bits !== 0; bits &= bits - 1) {
      syms[m++] = (w << 5) + 31 - Math.clz32(bits & -bits);
    }
  }
  return m;
}

/** Appends one code-length symbol and its extra bits at `at`; returns the next position. */
function emit(at: number, sym: number, extra: number): number {
  rleSym[at] = sym;
  rleExtra[at] = extra;
  clFreq[sym]++;
  return at + 1;
}

/**
 * Run-length codes `run` code lengths equal to `value`, from position `at`, with symbols 16
 * (repeat the previous length 3–6 times), 17 (3–10 zeros) and 18 (11–138 zeros).
 *
 * @returns the next position
 */
function runLength(value: number, run: number, at: number): number {
  if (value === 0) {
    for (; run >= 11; run -= 138) at = emit(at, 18, (run < 138 ? run : 138) - 11);
    if (run >= 3) {
      at = emit(at, 17, run - 3);
      run = 0;
    }
  } else {
    at = emit(at, value, 0);
    for (run--; run >= 3; run -= 6) at = emit(at, 16, (run < 6 ? run : 6) - 3);
  }
  for (; run > 0; run--) at = emit(at, value, 0);
  return at;
}

/**
 * The header of a dynamic block for the lengths `litLen`/`distLen` of `litSyms`/`distSyms`: code
 * lengths run-length coded (zeros between occurring symbols as runs), then the code-length code.
 *
 * @returns the header's size in bits, after the 3 block-type bits
 */
function dynamicHeader(litCount: number, distCount: number): number {
  const hlit = litSyms[litCount - 1] + 1;
  let rle = 0;
  let value = -1; // the run being gathered
  let run = 0;
  let next = 0; // the next position in the sequence of HLIT + HDIST lengths
  for (let k = 0; k < litCount + distCount; k++) {
    const at = k < litCount ? litSyms[k] : hlit + distSyms[k - litCount];
    const length = k < litCount ? litLen[at] : distLen[at - hlit];
    if (at > next) { // zeros since the last occurring symbol
      if (value !== 0) {
        if (run > 0) rle = runLength(value, run, rle);
        value = 0;
        run = 0;
      }
      run += at - next;
    }
    if (length !== value) {
      if (run > 0) rle = runLength(value, run, rle);
      value = length;
      run = 0;
    }
    run++;
    next = at + 1;
  }
  block.rleCount = runLength(value, run, rle);
  let m = 0;
  for (let sym = 0; sym < 19; sym++) if (clFreq[sym] !== 0) clSyms[m++] = sym;
  const repeats = 2 * clFreq[16] + 3 * clFreq[17] + 7 * clFreq[18]; // their extra bits
  for (let sym = 0; sym < 19; sym++) clLen[sym] = 0; // the first HCLEN lengths are all written
  m = buildLengths(clFreq, clSyms, m, 7, clLen, clFirst);
  canonicalCodes(clLen, clSyms, m, clFirst, clCode);
  let hclen = 19;
  while (hclen > 4 && clLen[CODE_LENGTH_ORDER[hclen - 1]] === 0) hclen--;
  block.headerCodes = hclen;
  return 5 + 5 + 4 + 3 * hclen + built.bits + repeats;
}

/**
 * The size in bits of a block of `nt` tokens with fixed codes and with dynamic ones (header
 * included), after its 3 header bits, into `block.fixed` and `block.dynamic`; builds the dynamic
 * code lengths on the way.
 */
export function blockSizes(nt: number): void {
  countLiteral(END_OF_BLOCK);
  let litCount = seenSymbols(litSeen, 9, litSyms);
  let distCount = seenSymbols(distSeen, 1, distSyms);
  // The fixed code has 8 bits for each token and the end, but for the symbols 144-279, and 5 for
  // each distance; the extra bits of lengths and distances count for both codes.
  let fixed = 8 * (nt + 1);
  let extra = 0;
  for (let k = litCount - 1; k >= 0 && litSyms[k] >= 144; k--) {
    const sym = litSyms[k];
    fixed += litFreq[sym] * (FIXED_LIT_LEN[sym] - 8);
    extra += litFreq[sym] * LEN_SYM_XBITS[sym];
  }
  for (let k = 0; k < distCount; k++) {
    const count = distFreq[distSyms[k]];
    fixed += count * 5;
    extra += count * DIST_XBITS[distSyms[k]];
  }
  litCount = buildLengths(litFreq, litSyms, litCount, 15, litLen, litFirst);
  let dynamic = built.bits;
  distCount = buildLengths(distFreq, distSyms, distCount, 15, distLen, distFirst);
  dynamic += built.bits + dynamicHeader(litCount, distCount);
  block.litCount = litCount;
  block.distCount = distCount;
  block.fixed = fixed + extra;
  block.dynamic = dynamic + extra;
}

/** Turns the block's lengths into its dynamic codes (`litCode`, `distCode`). */
export function dynamicCodes(): void {
  canonicalCodes(litLen, litSyms, block.litCount, litFirst, litCode);
  canonicalCodes(distLen, distSyms, block.distCount, distFirst, distCode);
}

/** Puts the fixed codes where the block's codes go (`litCode`/`litLen`, `distCode`/`distLen`). */
export function fixedCodes(): void {
  litCode.set(FIXED_LIT_CODE);
  litLen.set(FIXED_LIT_LEN);
  distCode.set(FIXED_DIST_CODE);
  distLen.set(FIXED_DIST_LEN);
}

/** Which symbols occur, back to none for the next block (`buildLengths` zeroed the counts). */
export function clearCounts(): void {
  for (let w = 0; w < 9; w++) litSeen[w] = 0;
  distSeen[0] = 0;
}
