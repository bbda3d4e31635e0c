/**
 * What RFC 1951 fixes for both directions, shared by `deflate.ts` and `inflate.ts`/`huffman.ts`:
 * the order in which a dynamic block's header sends its code length code lengths, and the bit
 * reversal of prefix codes (packed most significant bit first, §3.1.1).
 *
 * @module
 */

/** RFC 1951 §3.2.7: the order of the code length code lengths in a dynamic block's header. */
export const CODE_LENGTH_ORDER: readonly number[] = [
  16,
  17,
  18,
  0,
  8,
  7,
  9,
  6,
  10,
  5,
  11,
  4,
  12,
  3,
  13,
  2,
  14,
  1,
  15,
];

const REVERSED_BYTE = Uint8Array.from({ length: 256 }, (_, byte) => {
  let reversed = 0;
  for (let bit = 0; bit < 8; bit++) reversed |= ((byte >> bit) & 1) << (7 - bit);
  return reversed;
});

/**
 * The low `bits` (at most 16) bits of `code`, reversed.
 *
 * @param code the code, most significant bit first
 * @param bits its length
 * @returns the code as it is packed into the stream, least significant bit first
 */
export function reverseBits(code: number, bits: number): number {
  return ((REVERSED_BYTE[code & 255] << 8) | REVERSED_BYTE[code >>> 8]) >>> (16 - bits);
}
