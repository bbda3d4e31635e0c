/**
 * A bit writer for hand-made DEFLATE streams (RFC 1951) and their zlib wrapper (RFC 1950): blocks of
 * each type, with any code lengths, any header fields and raw symbols, valid or not. Used by
 * `_deflate_cases.ts` and the inflate tests.
 */

/** RFC 1951 §3.2.5: the base lengths of symbols 257–285 and distances of 0–29, and extra bits. */
const numbers = (list: string) => list.split(" ").map(Number);
const LENGTH_BASES = numbers(
  "3 4 5 6 7 8 9 10 11 13 15 17 19 23 27 31 35 43 51 59 67 83 99 115 131 163 195 227 258",
);
const LENGTH_EXTRA = numbers("0 0 0 0 0 0 0 0 1 1 1 1 2 2 2 2 3 3 3 3 4 4 4 4 5 5 5 5 0");
const DISTANCE_BASES = numbers(
  "1 2 3 4 5 7 9 13 17 25 33 49 65 97 129 193 257 385 513 769 1025 1537 2049 3073 4097 6145 " +
    "8193 12289 16385 24577",
);
const DISTANCE_EXTRA = numbers(
  "0 0 0 0 1 1 2 2 3 3 4 4 5 5 6 6 7 7 8 8 9 9 10 10 11 11 12 12 13 13",
);

/** RFC 1951 §3.2.7: the order of the code length code's lengths. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A literal byte, a length/distance pair, or a raw symbol (maybe invalid) with extra bits [value, count]. */
export type Op =
  | { literal: number }
  | { length: number; distance: number }
  | { symbol: number; extra?: [number, number] }
  | { distanceSymbol: number };

/** The canonical Huffman codes of `lengths` (RFC 1951 §3.2.2); 0 means no code. */
export function canonical(lengths: number[]): number[] {
  const count = new Array(16).fill(0);
  for (const length of lengths) if (length) count[length]++;
  const next = new Array(16).fill(0);
  for (let bits = 1, code = 0; bits < 16; bits++) next[bits] = code = (code + count[bits - 1]) << 1;
  return lengths.map((length) => length ? next[length]++ : -1);
}

function baseIndex(bases: number[], value: number): number {
  let i = bases.length - 1;
  while (bases[i] > value) i--;
  return i;
}

/** Bits written least significant first, Huffman codes most significant first (RFC 1951 §3.1.1). */
export class BitWriter {
  #bytes: number[] = [];
  #byte = 0;
  #count = 0;

  /** Writes `n` bits of `value`, least significant first. */
  bits(value: number, n: number): this {
    for (let i = 0; i < n; i++) {
      this.#byte |= ((value >> i) & 1) << this.#count++;
      if (this.#count === 8) this.align();
    }
    return this;
  }

  /** Writes a Huffman code of `length` bits, most significant first. */
  code(code: number, length: number): this {
    for (let i = length - 1; i >= 0; i--) this.bits((code >> i) & 1, 1);
    return this;
  }

  /** Pads to a byte boundary with zero bits. */
  align(): this {
    if (this.#count > 0) this.#bytes.push(this.#byte);
    this.#byte = this.#count = 0;
    return this;
  }

  /** Writes whole bytes (after `align`). */
  bytes(bytes: ArrayLike<number>): this {
    this.#bytes.push(...Array.from(bytes));
    return this;
  }

  /** A stored block (RFC 1951 §3.2.4); `nlen` defaults to LEN's complement. */
  stored(data: Uint8Array, last: boolean, nlen = data.length ^ 0xffff): this {
    const length = data.length;
    return this.bits(last ? 1 : 0, 1).bits(0, 2).align()
      .bytes([length & 255, length >> 8, nlen & 255, nlen >> 8]).bytes(data);
  }

  /** A block with the fixed codes (RFC 1951 §3.2.6). */
  fixed(ops: Op[], last: boolean): this {
    const lit = Array.from({ length: 288 }, (_, s) => s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8);
    this.bits(last ? 1 : 0, 1).bits(1, 2);
    return this.data(ops, lit, new Array(32).fill(5));
  }

  /**
   * A block with its own codes (RFC 1951 §3.2.7). `header` overrides what is sent: the counts, the
   * code length code's lengths, and the code length symbols as [symbol, extra bits value] pairs.
   */
  dynamic(
    ops: Op[],
    lit: number[],
    dist: number[],
    last: boolean,
    header: { hlit?: number; hdist?: number; codeLengths?: number[]; sequence?: number[][] } = {},
  ): this {
    // The code length code: symbols 0–12 and 16–18, 4 bits each, unless told otherwise.
    const codeLengths = header.codeLengths ??
      Array.from({ length: 19 }, (_, s) => s <= 12 || s >= 16 ? 4 : 0);
    const sequence = header.sequence ?? [...lit, ...dist].map((length) => [length]);
    this.bits(last ? 1 : 0, 1).bits(2, 2);
    this.bits(header.hlit ?? lit.length - 257, 5).bits(header.hdist ?? dist.length - 1, 5);
    this.bits(19 - 4, 4);
    for (const symbol of CODE_LENGTH_ORDER) this.bits(codeLengths[symbol], 3);
    const codes = canonical(codeLengths);
    for (const [symbol, extra = 0] of sequence) {
      this.code(codes[symbol], codeLengths[symbol]);
      if (symbol >= 16) this.bits(extra, [2, 3, 7][symbol - 16]);
    }
    return this.data(ops, lit, dist);
  }

  /** The compressed data of a block and its end-of-block code. */
  data(ops: Op[], lit: number[], dist: number[]): this {
    const litCodes = canonical(lit);
    const distCodes = canonical(dist);
    const symbol = (s: number) => this.code(litCodes[s], lit[s]);
    for (const op of ops) {
      if ("literal" in op) symbol(op.literal);
      else if ("symbol" in op) {
        symbol(op.symbol);
        if (op.extra) this.bits(...op.extra);
      } else if ("distanceSymbol" in op) {
        this.code(distCodes[op.distanceSymbol], dist[op.distanceSymbol]);
      } else {
        const l = baseIndex(LENGTH_BASES, op.length);
        symbol(257 + l).bits(op.length - LENGTH_BASES[l], LENGTH_EXTRA[l]);
        const d = baseIndex(DISTANCE_BASES, op.distance);
        this.code(distCodes[d], dist[d]).bits(op.distance - DISTANCE_BASES[d], DISTANCE_EXTRA[d]);
      }
    }
    return symbol(256);
  }

  /** The bytes written so far, the last one padded. */
  finish(): Uint8Array {
    this.align();
    return Uint8Array.from(this.#bytes);
  }
}

/** Adler-32 (RFC 1950 §8.2), written plainly. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536) + a;
}

/** A zlib stream (RFC 1950): `header`, the deflate data and the Adler-32 of `inflated`. */
export function zlibStream(
  deflate: Uint8Array,
  inflated: Uint8Array,
  header: number[] = [0x78, 0x9c],
): Uint8Array {
  const check = adler32(inflated);
  return Uint8Array.from([
    ...header,
    ...deflate,
    (check >>> 24) & 255,
    (check >>> 16) & 255,
    (check >>> 8) & 255,
    check & 255,
  ]);
}
