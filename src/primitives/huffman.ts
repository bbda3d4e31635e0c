/**
 * The prefix codes of DEFLATE (RFC 1951 §3.2.2) as decoding tables for `inflate.ts`. A table is
 * indexed by the next `root` bits of input (codes are packed starting with their most significant
 * bit, so the index holds a code's bits reversed, RFC 1951 §3.1.1); its entry gives the code's length
 * and what it means. Codes longer than `root` bits go on through a second-level table that the entry
 * links to.
 *
 * @module
 */

import { reverseBits } from "./deflate_format.ts";

// An entry is an int: bits 0–3 the code's length (a link: the bits it indexes by), 4–6 its kind,
// 8–11 how many extra bits follow it (a link: its table's index bits), 12 and up its value (a byte,
// a length or distance base, a code length symbol, or a link's table offset).

/** Entry kind: a literal byte, or a code length symbol. */
export const LITERAL = 0 << 4;
/** Entry kind: a length or distance, its base plus the extra bits that follow the code. */
export const BASE = 1 << 4;
/** Entry kind: the end of the block. */
export const END = 2 << 4;
const LINK = 3 << 4;
/** Entry kind: no code, or a symbol that must not occur. */
export const INVALID = 4 << 4;
/** The kind bits of an entry. */
export const KIND = 7 << 4;

const MAX_BITS = 15;

/** RFC 1951 §3.2.5: length codes 257–285 and distance codes 0–29, each a base plus extra bits. */
function baseEntries(first: number, count: number, extraOf: (code: number) => number): number[] {
  const entries = [];
  for (let code = 0, base = first; code < count; base += 1 << extraOf(code++)) {
    entries.push((base << 12) | (extraOf(code) << 8) | BASE);
  }
  return entries;
}

/** What the literal/length symbols 0–287 mean. */
export const LIT_ENTRIES: Int32Array = Int32Array.from([
  ...Array.from({ length: 256 }, (_, byte) => (byte << 12) | LITERAL),
  END,
  ...baseEntries(3, 28, (code) => code < 8 ? 0 : (code >> 2) - 1),
  (258 << 12) | BASE, // 285: 258 with no extra bits, not 259 + 5 bits
  INVALID, // 286 and 287 take part in the fixed code but never occur (RFC 1951 §3.2.6)
  INVALID,
]);

/** What the distance symbols 0–31 mean. */
export const DIST_ENTRIES: Int32Array = Int32Array.from([
  ...baseEntries(1, 30, (code) => code < 4 ? 0 : (code >> 1) - 1),
  INVALID, // 30 and 31, likewise
  INVALID,
]);

/** The code length symbols 0–18, as they are. */
export const CODE_LENGTH_ENTRIES: Int32Array = Int32Array.from(
  { length: 19 },
  (_, symbol) => (symbol << 12) | LITERAL,
);

// Scratch space of build: decoding is synchronous, so one set serves every table.
const counts = new Uint16Array(MAX_BITS + 1);
const offsets = new Uint16Array(MAX_BITS + 1);
const sorted = new Uint16Array(288);

/** A prefix code's decoding table, rebuilt in place for each block that sends its own code. */
export class HuffmanTable {
  /** The first level (`2 ** root` entries), then the second-level tables. */
  readonly table: Int32Array;
  /** How many bits index the first level: at most the `maxRoot` given, less when codes are short. */
  root = 0;

  /**
   * Makes an empty table.
   *
   * @param size room for the largest table `build` can make with these arguments
   * @param maxRoot the most bits that index the first level
   * @param entries what each symbol means
   * @param single whether a single one-bit code is accepted (RFC 1951 §3.2.7 sends one distance
   * code so, and zlib accepts it for literal/length codes too)
   */
  constructor(
    size: number,
    private readonly maxRoot: number,
    private readonly entries: Int32Array,
    private readonly single: boolean,
  ) {
    this.table = new Int32Array(size);
  }

  /**
   * Fills the table for the canonical code in which `symbols[from..to)` less `base`, in increasing
   * order, have the code lengths `bitLengths[from..to)` (none 0) and other symbols have no code.
   * Refuses the sets zlib refuses: over-subscribed ones, and incomplete ones but for the single
   * one-bit code. A set with no code at all is accepted, as zlib does; decoding with it fails.
   *
   * @returns whether the code lengths make a code
   */
  build(
    symbols: Uint16Array,
    bitLengths: Uint8Array,
    from: number,
    to: number,
    base: number,
  ): boolean {
    const { table, entries } = this;
    for (let length = 0; length <= MAX_BITS; length++) counts[length] = 0;
    for (let k = from; k < to; k++) counts[bitLengths[k]]++;
    let max = MAX_BITS;
    while (max > 1 && counts[max] === 0) max--;
    let left = 1;
    for (let length = 1; length <= max; length++) {
      left = (left << 1) - counts[length];
      if (left < 0) return false;
    }
    if (left > 0 && counts[max] !== 0 && !(this.single && max === 1)) return false;
    const root = this.root = Math.min(this.maxRoot, max);
    const rootSize = 1 << root;
    if (left > 0) table.fill(INVALID, 0, rootSize);
    offsets[1] = 0;
    for (let length = 1; length < max; length++) {
      offsets[length + 1] = offsets[length] + counts[length];
    }
    for (let k = from; k < to; k++) sorted[offsets[bitLengths[k]]++] = symbols[k] - base;
    let next = rootSize;
    let prefix = -1;
    let sub = 0;
    let subBits = 0;
    for (let length = 1, bits = 0, i = 0; length <= max; length++, bits <<= 1) {
      for (; counts[length] > 0; counts[length]--, bits++) {
        const reversed = reverseBits(bits, length);
        const entry = entries[sorted[i++]] | length;
        if (length <= root) {
          for (let at = reversed; at < rootSize; at += 1 << length) table[at] = entry;
          continue;
        }
        // Longer codes that share their first `root` bits are consecutive in canonical order: each
        // run fills a second-level table, the smallest that the remaining codes fill exactly.
        if ((reversed & (rootSize - 1)) !== prefix) {
          prefix = reversed & (rootSize - 1);
          subBits = length - root;
          for (let free = 1 << subBits; root + subBits < max; subBits++, free <<= 1) {
            free -= counts[root + subBits];
            if (free <= 0) break;
          }
          sub = next;
          next += 1 << subBits;
          table[prefix] = (sub << 12) | (subBits << 8) | LINK | root;
        }
        const stop = sub + (1 << subBits);
        for (let at = sub + (reversed >> root); at < stop; at += 1 << (length - root)) {
          table[at] = entry;
        }
      }
    }
    return true;
  }
}

/**
 * The entry of the code at the start of `bits`.
 *
 * @param table a table's entries
 * @param mask `2 ** root - 1` for the table's `root`
 * @param bits the next bits of input, least significant first
 * @returns the entry; its low 4 bits say how many bits the code takes
 */
export function lookup(table: Int32Array, mask: number, bits: number): number {
  const entry = table[bits & mask];
  if ((entry & KIND) !== LINK) return entry;
  const index = (bits >> (entry & 15)) & ((1 << ((entry >> 8) & 15)) - 1);
  return table[(entry >> 12) + index];
}

function fixed(entries: Int32Array, lengthOf: (symbol: number) => number): HuffmanTable {
  const code = new HuffmanTable(1 << 9, 9, entries, false);
  const symbols = Uint16Array.from(entries, (_, symbol) => symbol);
  code.build(symbols, Uint8Array.from(symbols, lengthOf), 0, symbols.length, 0);
  return code;
}

/** The fixed literal/length code (RFC 1951 §3.2.6). */
export const FIXED_LIT: HuffmanTable = fixed(
  LIT_ENTRIES,
  (symbol) => symbol < 144 ? 8 : symbol < 256 ? 9 : symbol < 280 ? 7 : 8,
);

/** The fixed distance code: 5 bits each (RFC 1951 §3.2.6). */
export const FIXED_DIST: HuffmanTable = fixed(DIST_ENTRIES, () => 5);
