/**
 * A synchronous zlib (RFC 1950) and DEFLATE (RFC 1951) decoder that accepts what Python's
 * `zlib.decompress(data)` accepts (Django's `signing.loads` calls it), and stops at a cap, so a
 * signed "zip bomb" costs at most that many bytes. `DecompressionStream` spends 7–100 µs on the
 * promises and streams around a ~170-byte session; this decodes one in a few microseconds, most of
 * it spent building the block's code tables (see `huffman.ts`).
 *
 * @module
 */

import { BadPayload } from "../errors.ts";
import {
  BASE,
  CODE_LENGTH_ENTRIES,
  DIST_ENTRIES,
  END,
  FIXED_DIST,
  FIXED_LIT,
  HuffmanTable,
  INVALID,
  KIND,
  LIT_ENTRIES,
  LITERAL,
  lookup,
} from "./huffman.ts";
import { adler32, CODE_LENGTH_ORDER } from "./deflate_format.ts";

// The tables of a dynamic block. With first levels of 9 and 6 bits, 852 and 592 entries hold the
// largest (computed by zlib's `examples/enough.c` for this two-level layout).
const lit = new HuffmanTable(852, 9, LIT_ENTRIES, true);
const dist = new HuffmanTable(592, 6, DIST_ENTRIES, true);
const codeLength = new HuffmanTable(1 << 7, 7, CODE_LENGTH_ENTRIES, false);

// Scratch of dynamicTables: the symbols that have a code, in increasing order, and their lengths.
const coded = new Uint16Array(286 + 30);
const codedLengths = new Uint8Array(286 + 30);
const codeLengthLengths = new Uint8Array(19);

function invalid(why: string): BadPayload {
  return new BadPayload(`Invalid zlib data: ${why}`);
}

function truncated(): BadPayload {
  return invalid("truncated stream");
}

/** The next two bytes of input as a little-endian number, zeros past its end. */
function twoBytes(data: Uint8Array, pos: number): number {
  return (pos < data.length ? data[pos] : 0) | ((pos + 1 < data.length ? data[pos + 1] : 0) << 8);
}

/**
 * Room for `need` more bytes after `used`, growing `out` geometrically up to `max`.
 * @throws {BadPayload} past `max`
 */
function room(out: Uint8Array, used: number, need: number, max: number): Uint8Array {
  const size = used + need;
  if (size > max) throw new BadPayload(`Payload inflates past maxDecompressedBytes (${max} bytes)`);
  if (size <= out.length) return out;
  const grown = new Uint8Array(Math.min(max, Math.max(size, out.length * 2)));
  grown.set(out.subarray(0, used));
  return grown;
}

/**
 * The input, read least significant bit first (RFC 1951 §3.1.1), and the output so far. Between
 * steps the bit buffer holds what is left of the byte before `pos`: fewer than 8 bits. Reading past
 * the end gives zero bits, so that a table lookup may look ahead; whether any were used is checked
 * where bytes are read whole (stored blocks, the Adler-32), and as soon as 4 bytes of them are in.
 */
class Stream {
  pos = 2;
  buf = 0;
  cnt = 0;
  op = 0;
  out: Uint8Array;

  constructor(readonly data: Uint8Array, readonly max: number, out: Uint8Array) {
    this.out = out;
  }

  /** The next `n` bits (up to 8). */
  bits(n: number): number {
    if (this.cnt < n) {
      if (this.pos > this.data.length + 4) throw truncated();
      this.buf |= (this.pos < this.data.length ? this.data[this.pos] : 0) << this.cnt;
      this.pos++;
      this.cnt += 8;
    }
    const value = this.buf & ((1 << n) - 1);
    this.buf >>= n;
    this.cnt -= n;
    return value;
  }

  /**
   * Takes back the bit buffer of a loop that kept it in local variables; whole bytes in it go back
   * to the input, so that the buffer here stays a small integer.
   */
  settle(pos: number, buf: number, cnt: number): void {
    this.pos = pos - (cnt >> 3);
    this.cnt = cnt & 7;
    this.buf = buf & ((1 << (cnt & 7)) - 1);
  }

  /** Skips to the next byte boundary and checks that `n` whole bytes follow. */
  bytes(n: number): void {
    this.buf = this.cnt = 0;
    if (this.pos + n > this.data.length) throw truncated();
  }
}

/** A stored block (RFC 1951 §3.2.4): LEN, its one's complement NLEN, then LEN bytes as they are. */
function stored(s: Stream): void {
  s.bytes(4);
  const { data, pos } = s;
  const length = data[pos] | (data[pos + 1] << 8);
  if ((data[pos + 2] | (data[pos + 3] << 8)) !== (length ^ 0xffff)) {
    throw invalid("stored block length does not match its complement");
  }
  s.pos += 4;
  s.bytes(length);
  s.out = room(s.out, s.op, length, s.max);
  s.out.set(data.subarray(s.pos, s.pos + length), s.op);
  s.pos += length;
  s.op += length;
}

/** The code tables of a dynamic block (RFC 1951 §3.2.7), into `lit` and `dist`. */
function dynamicTables(s: Stream): void {
  const nlen = s.bits(5) + 257;
  const ndist = s.bits(5) + 1;
  const ncode = s.bits(4) + 4;
  if (nlen > 286 || ndist > 30) throw invalid("too many length or distance codes");
  codeLengthLengths.fill(0);
  for (let i = 0; i < ncode; i++) codeLengthLengths[CODE_LENGTH_ORDER[i]] = s.bits(3);
  let n = 0;
  for (let symbol = 0; symbol < 19; symbol++) {
    if (codeLengthLengths[symbol] === 0) continue;
    coded[n] = symbol;
    codedLengths[n++] = codeLengthLengths[symbol];
  }
  if (!codeLength.build(coded, codedLengths, 0, n, 0)) {
    throw invalid("invalid code length code set");
  }
  // The literal/length and distance code lengths form one sequence: a repeat may run across both.
  const total = nlen + ndist;
  const mask = (1 << codeLength.root) - 1;
  const { data } = s;
  const { table } = codeLength;
  let { pos, buf, cnt } = s;
  n = 0;
  for (let i = 0, previous = 0; i < total;) {
    if (cnt < 16) {
      if (pos > data.length + 4) throw truncated();
      buf |= twoBytes(data, pos) << cnt;
      pos += 2;
      cnt += 16;
    }
    const entry = lookup(table, mask, buf);
    if ((entry & KIND) === INVALID) throw invalid("invalid code length code");
    buf >>= entry & 15;
    cnt -= entry & 15;
    let length = entry >> 12;
    let repeat = 1;
    // 16 repeats the previous length 3–6 times, 17 and 18 give 3–10 and 11–138 zeros.
    if (length >= 16) {
      if (length === 16 && i === 0) throw invalid("length repeat with no previous length");
      const extra = length === 16 ? 2 : length === 17 ? 3 : 7;
      repeat = (length === 18 ? 11 : 3) + (buf & ((1 << extra) - 1));
      buf >>= extra;
      cnt -= extra;
      length = length === 16 ? previous : 0;
    }
    if (i + repeat > total) throw invalid("length repeat past the last code");
    previous = length;
    if (length === 0) i += repeat;
    else {
      for (const stop = i + repeat; i < stop; i++) {
        coded[n] = i;
        codedLengths[n++] = length;
      }
    }
  }
  s.settle(pos, buf, cnt);
  // At most 30 distance codes follow the literal/length ones, which end with 257–285.
  let split = n;
  while (split > 0 && coded[split - 1] >= nlen) split--;
  let end = split - 1;
  while (end >= 0 && coded[end] > 256) end--;
  if (end < 0 || coded[end] !== 256) throw invalid("no end-of-block code");
  if (!lit.build(coded, codedLengths, 0, split, 0)) {
    throw invalid("invalid literal/length code set");
  }
  if (!dist.build(coded, codedLengths, split, n, nlen)) {
    throw invalid("invalid distance code set");
  }
}

/**
 * The compressed data of a block, up to its end-of-block code (RFC 1951 §3.2.5). Codes take up to 15
 * bits and extra bits up to 13: the bit buffer is topped up 16 bits at a time when it holds fewer
 * than a step needs, so it never holds more than 31 bits and stays a non-negative int: with all
 * 32 bits in use, V8 ran this loop about 1.5× slower.
 */
function codes(s: Stream, litCode: HuffmanTable, distCode: HuffmanTable): void {
  const { data, max } = s;
  const end = data.length;
  const { table: litTable, root: litRoot } = litCode;
  const { table: distTable, root: distRoot } = distCode;
  const litMask = (1 << litRoot) - 1;
  const distMask = (1 << distRoot) - 1;
  let { pos, buf, cnt, out, op } = s;
  for (;;) {
    if (cnt < 16) {
      if (pos > end + 4) throw truncated();
      buf |= twoBytes(data, pos) << cnt;
      pos += 2;
      cnt += 16;
    }
    let entry = lookup(litTable, litMask, buf);
    buf >>= entry & 15;
    cnt -= entry & 15;
    const kind = entry & KIND;
    if (kind === LITERAL) {
      if (op === out.length) out = room(out, op, 1, max);
      out[op++] = entry >> 12;
      continue;
    }
    if (kind === END) break;
    if (kind !== BASE) throw invalid("invalid literal/length code");
    let extra = (entry >> 8) & 15;
    if (cnt < extra) {
      buf |= twoBytes(data, pos) << cnt;
      pos += 2;
      cnt += 16;
    }
    const length = (entry >> 12) + (buf & ((1 << extra) - 1));
    buf >>= extra;
    cnt -= extra;
    if (cnt < 16) {
      buf |= twoBytes(data, pos) << cnt;
      pos += 2;
      cnt += 16;
    }
    entry = lookup(distTable, distMask, buf);
    buf >>= entry & 15;
    cnt -= entry & 15;
    if ((entry & KIND) !== BASE) throw invalid("invalid distance code");
    extra = (entry >> 8) & 15;
    if (cnt < extra) {
      buf |= twoBytes(data, pos) << cnt;
      pos += 2;
      cnt += 16;
    }
    const distance = (entry >> 12) + (buf & ((1 << extra) - 1));
    buf >>= extra;
    cnt -= extra;
    if (distance > op) throw invalid("distance too far back");
    if (op + length > out.length) out = room(out, op, length, max);
    for (let from = op - distance, stop = op + length; op < stop;) out[op++] = out[from++];
  }
  s.settle(pos, buf, cnt);
  s.out = out;
  s.op = op;
}

/**
 * Inflates a zlib stream as Python's `zlib.decompress(data)` does: bytes after the Adler-32 are
 * ignored, and the header's window size must be at most 32 KiB but, as in zlib, does not limit
 * distances. Gives up as soon as the output would pass `maxBytes`.
 *
 * @param data the zlib stream
 * @param maxBytes the largest output accepted
 * @returns the inflated bytes
 * @throws {BadPayload} when the stream is not valid zlib or inflates past `maxBytes`
 * @example
 * ```ts
 * import { inflate } from "./inflate.ts";
 * const stream = Uint8Array.from([0x78, 0x9c, 0xcb, 0x02, 0x00, 0x00, 0x6b, 0x00, 0x6b]);
 * console.log(new TextDecoder().decode(inflate(stream, 1024))); // j
 * ```
 */
export function inflate(data: Uint8Array, maxBytes: number): Uint8Array {
  const s = run(data, maxBytes, new Uint8Array(Math.min(maxBytes, Math.max(256, 4 * data.length))));
  return s.out.subarray(0, s.op);
}

/** The output buffer {@linkcode inflateTransient} reuses, grown up to `SHARED_MAX`. */
let shared: Uint8Array = new Uint8Array(4096);
const SHARED_MAX = 1 << 18;

/**
 * {@linkcode inflate} into a buffer that the next call overwrites: for a caller that reads the
 * result at once (the payload decoder turns it into a string), a fresh output array per session
 * costs more than the decoding.
 *
 * @param data the zlib stream
 * @param maxBytes the largest output accepted
 * @returns a view of the inflated bytes, valid until the next call
 * @throws {BadPayload} when the stream is not valid zlib or inflates past `maxBytes`
 */
export function inflateTransient(data: Uint8Array, maxBytes: number): Uint8Array {
  // A buffer longer than the cap is cut to it: the decoder checks the cap only when it grows one.
  const s = run(data, maxBytes, shared.length > maxBytes ? shared.subarray(0, maxBytes) : shared);
  if (s.out.length > shared.length && s.out.length <= SHARED_MAX) shared = s.out;
  return s.out.subarray(0, s.op);
}

function run(data: Uint8Array, maxBytes: number, out: Uint8Array): Stream {
  if (data.length < 2) throw truncated();
  // RFC 1950 §2.2: CMF and FLG, a multiple of 31 as a big-endian number.
  const cmf = data[0];
  if (((cmf << 8) | data[1]) % 31 !== 0) throw invalid("incorrect header check");
  if ((cmf & 15) !== 8) throw invalid("unknown compression method");
  if (cmf >> 4 > 7) throw invalid("invalid window size");
  if (data[1] & 0x20) throw invalid("a preset dictionary is needed");
  const s = new Stream(data, maxBytes, out);
  let last: number;
  do {
    last = s.bits(1);
    const type = s.bits(2);
    if (type === 0) stored(s);
    else if (type === 1) codes(s, FIXED_LIT, FIXED_DIST);
    else if (type === 2) {
      dynamicTables(s);
      codes(s, lit, dist);
    } else throw invalid("invalid block type");
  } while (!last);
  s.bytes(4);
  const { pos } = s;
  const check = (data[pos] << 24) | (data[pos + 1] << 16) | (data[pos + 2] << 8) | data[pos + 3];
  if (check >>> 0 !== adler32(s.out, s.op)) throw invalid("incorrect data check");
  return s;
}
