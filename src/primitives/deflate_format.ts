/**
 * What RFC 1950/1951 fix for both directions, shared by the compressor and `inflate.ts`/`huffman.ts`:
 * the order in which a dynamic block's header sends its code length code lengths, the bit reversal
 * of prefix codes (packed most significant bit first, §3.1.1), and zlib's Adler-32 checksum.
 *
 * @module
 */

/** RFC 1951 §3.2.7: the order of the code length code lengths in a dynamic block's header. */
// deno-fmt-ignore
export const CODE_LENGTH_ORDER: readonly number[] = [
  16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
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

/**
 * Adler-32 (RFC 1950 §9) of `bytes[0 .. length)`. The modulo is deferred over runs of 2048 bytes,
 * short enough that the sums stay below 2^31 and engines keep to integer arithmetic.
 *
 * @param bytes the data
 * @param length how many of its bytes
 * @returns the checksum, unsigned
 */
export function adler32(bytes: Uint8Array, length: number): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < length;) {
    for (const stop = Math.min(length, i + 2048); i < stop; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
