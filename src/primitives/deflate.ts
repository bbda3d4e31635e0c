/**
 * A synchronous zlib (RFC 1950) compressor for session-sized inputs, written from RFC 1950/1951:
 * LZ77 (`lz77.ts`, zlib's level 6 matching), then for each block whichever of dynamic Huffman
 * (BTYPE=10), fixed Huffman (BTYPE=01) or stored (BTYPE=00) comes out smallest, counted in bits
 * beforehand (`deflate_codes.ts`). `CompressionStream("deflate")` stays the better choice for large
 * inputs: zlib splits blocks where the statistics change and is native code.
 *
 * No per-call allocation besides the result: the match finder, the Huffman workspace and the
 * output buffer live at module level, and the fixed tables are built once at load.
 *
 * @module
 */

import {
  block,
  blockSizes,
  CL_XBITS,
  clCode,
  clearCounts,
  clLen,
  DIST_BASE,
  DIST_XBITS,
  distCode,
  distLen,
  distSymbol,
  distSyms,
  dynamicCodes,
  END_OF_BLOCK,
  fixedCodes,
  LEN_SYM,
  LEN_XBITS,
  LEN_XVAL,
  litCode,
  litLen,
  litSyms,
  rleExtra,
  rleSym,
} from "./deflate_codes.ts";
import { adler32, CODE_LENGTH_ORDER } from "./deflate_format.ts";
import { BLOCK, lz77, startInput, tokens } from "./lz77.ts";

/** The shared output buffer grows up to this; larger outputs get a buffer of their own. */
const SHARED_MAX = 1 << 18;
/** Results up to this size are cut from a pooled slab, as Node pools its small buffers (see `result`). */
const POOL_MAX = 1024;
const SLAB = 16384;

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

// The output and its bit buffer, least significant bit first (RFC 1951 §3.1.1): fewer than 8 bits
// wait in `bits` between two `put`s, so a put of up to 24 bits never overflows it.
// An object's fields, not module-level `let`s: engines check those for their temporal dead zone on
// every access.
const w = { out: shared, op: 0, bits: 0, count: 0 };

/** Appends the low `n` bits of `value` to the output. */
function put(value: number, n: number): void {
  let bits = w.bits | (value << w.count);
  let count = w.count + n;
  if (count >= 8) {
    const { out } = w;
    let op = w.op;
    for (; count >= 8; count -= 8, bits >>>= 8) out[op++] = bits;
    w.op = op;
  }
  w.bits = bits;
  w.count = count;
}

/**
 * The header of a dynamic block after BFINAL: BTYPE=10, counts, code-length code, code lengths,
 * with the bit buffer in locals (the fields of `w` cost a load and a store per code).
 */
function putDynamicHeader(last: number): void {
  const hlit = litSyms[block.litCount - 1] + 1;
  const hdist = distSyms[block.distCount - 1] + 1;
  const hclen = block.headerCodes;
  put(last | 4 | ((hlit - 257) << 3) | ((hdist - 1) << 8), 13);
  put(hclen - 4, 4);
  const { out } = w;
  let { op, bits, count } = w;
  for (let i = 0; i < hclen; i++) {
    bits |= clLen[CODE_LENGTH_ORDER[i]] << count;
    count += 3;
    for (; count >= 8; count -= 8, bits >>>= 8) out[op++] = bits;
  }
  for (let i = 0; i < block.rleCount; i++) {
    const sym = rleSym[i];
    bits |= (clCode[sym] | (rleExtra[i] << clLen[sym])) << count;
    count += clLen[sym] + CL_XBITS[sym];
    for (; count >= 8; count -= 8, bits >>>= 8) out[op++] = bits;
  }
  w.op = op;
  w.bits = bits;
  w.count = count;
}

/**
 * The block's `nt` tokens and its end-of-block code, with the codes in `litCode`/`distCode`. The
 * one loop that runs per token keeps the bit buffer in locals and flushes after each code that may
 * fill it (a literal, or a length and its extra bits; a distance code; its extra bits): through
 * `put`, or gathering the codes for one loop that writes them, made a session's compression 10-15% slower.
 */
function putTokens(nt: number): void {
  const { out } = w;
  let { op, bits, count } = w;
  for (let i = 0; i < nt; i++) {
    const t = tokens[i];
    if (t < 256) {
      bits |= litCode[t] << count;
      count += litLen[t];
    } else {
      const len = t & 511;
      const sym = LEN_SYM[len];
      bits |= (litCode[sym] | (LEN_XVAL[len] << litLen[sym])) << count;
      count += litLen[sym] + LEN_XBITS[len];
      for (; count >= 8; count -= 8, bits >>>= 8) out[op++] = bits;
      const dist = t >>> 9;
      const dsym = distSymbol(dist);
      bits |= distCode[dsym] << count;
      count += distLen[dsym];
      for (; count >= 8; count -= 8, bits >>>= 8) out[op++] = bits;
      bits |= (dist - DIST_BASE[dsym]) << count;
      count += DIST_XBITS[dsym];
    }
    for (; count >= 8; count -= 8, bits >>>= 8) out[op++] = bits;
  }
  w.op = op;
  w.bits = bits;
  w.count = count;
  put(litCode[END_OF_BLOCK], litLen[END_OF_BLOCK]);
}

/** A stored block (RFC 1951 §3.2.4): BFINAL, BTYPE=00, padding to a byte, LEN, NLEN, the bytes. */
function putStored(data: Uint8Array, start: number, end: number, last: number): void {
  put(last, 3);
  if (w.count > 0) put(0, 8 - w.count);
  const size = end - start;
  put(size & 0xffff, 16);
  put(~size & 0xffff, 16);
  w.out.set(data.subarray(start, end), w.op);
  w.op += size;
}

/** Compresses `data[start .. end)` as one block, of whichever type comes out smallest. */
function putBlock(data: Uint8Array, start: number, end: number, last: number): void {
  const nt = lz77(data, start, end);
  blockSizes(nt);
  const { fixed, dynamic } = block;
  const stored = ((8 - ((w.count + 3) & 7)) & 7) + 32 + 8 * (end - start);
  if (fixed > stored && dynamic > stored) putStored(data, start, end, last);
  else if (dynamic < fixed) {
    dynamicCodes();
    putDynamicHeader(last);
    putTokens(nt);
  } else {
    fixedCodes();
    put(last | 2, 3); // BFINAL, then BTYPE=01
    putTokens(nt);
  }
  clearCounts();
}

/**
 * Compresses `data` into a complete zlib stream (RFC 1950): header `78 9c`, deflate blocks of
 * 16 KiB of input each (dynamic Huffman, fixed Huffman or stored, whichever is smallest), and the
 * big-endian Adler-32 of `data`. What Python's `zlib.decompress` and
 * `DecompressionStream("deflate")` read back; for session JSON, within a byte or two of Python's
 * `zlib.compress` (level 6). Synchronous, and meant for session-sized inputs (any size works).
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
 * @returns the zlib stream, in memory of its own: a result up to 1 KiB is a view into a shared
 *   slab that no other result overlaps (its `.buffer` holds other results), as Node's pooled
 *   small buffers are
 */
export function deflateSync(data: Uint8Array): Uint8Array {
  const size = compress(data);
  return w.out === shared ? result(shared, size) : w.out.subarray(0, size);
}

/**
 * {@linkcode deflateSync} into the shared output buffer: for a caller that reads the result at once
 * (the signer turns it into base64), the copy into memory of its own costs more than the last steps
 * of compressing.
 *
 * @param data the bytes to compress
 * @returns the zlib stream: a view valid until the next call (memory of its own past 256 KiB)
 */
export function deflateTransient(data: Uint8Array): Uint8Array {
  const size = compress(data); // before reading `w.out`, which compress may replace
  return w.out.subarray(0, size);
}

/** Compresses `data` into `w.out` (the shared buffer unless it is too large); returns the size. */
function compress(data: Uint8Array): number {
  const n = data.length;
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
  w.out = out;
  w.op = 2;
  w.bits = w.count = 0;
  startInput(data);
  let start = 0;
  do {
    const end = Math.min(start + BLOCK, n);
    putBlock(data, start, end, end === n ? 1 : 0);
    start = end;
  } while (start < n);
  if (w.count > 0) put(0, 8 - w.count);
  const sum = adler32(data, n);
  put(sum >>> 24, 8);
  put((sum >>> 16) & 255, 8);
  put((sum >>> 8) & 255, 8);
  put(sum & 255, 8);
  return w.op;
}
