/**
 * Prefix codes from symbol counts, for the encoder: minimum-redundancy code lengths (Moffat and
 * Katajainen's in-place algorithm) limited to a maximum length as zlib limits them (15 bits, 7 for
 * the code-length code), and the canonical codes of RFC 1951 §3.2.2, bit-reversed for output. The
 * workspace is shared: building a code never awaits.
 *
 * @module
 */

import { reverseBits } from "./deflate_format.ts";

/** The largest alphabet: deflate's 286 literal/length symbols. */
const MAX_SYMBOLS = 286;

/** Huffman workspace: symbols by increasing count, the in-place tree, counts per length. */
const order = new Uint16Array(MAX_SYMBOLS);
const node = new Int32Array(MAX_SYMBOLS);
const keys = new Int32Array(MAX_SYMBOLS);
const bucket = new Uint16Array(256);
const perLength = new Uint16Array(16);

/** The `m` symbols `syms` by increasing count (ties by symbol) into `order`, counts into `node`. */
function sortByCount(freq: Uint32Array, syms: Uint16Array, m: number): void {
  let most = 0;
  for (let k = 0; k < m; k++) {
    const f = freq[syms[k]];
    keys[k] = f;
    if (f > most) most = f;
  }
  if (most >= 256) {
    for (let k = 0; k < m; k++) keys[k] = keys[k] * 512 + syms[k];
    const sorted = keys.subarray(0, m).sort();
    for (let k = 0; k < m; k++) {
      order[k] = sorted[k] & 511;
      node[k] = sorted[k] >>> 9;
    }
    return;
  }
  // A counting sort: the counts are small in session-sized blocks.
  for (let f = 0; f <= most; f++) bucket[f] = 0;
  for (let k = 0; k < m; k++) bucket[keys[k]]++;
  for (let f = 0, sum = 0; f <= most; f++) {
    const count = bucket[f];
    bucket[f] = sum;
    sum += count;
  }
  for (let k = 0; k < m; k++) {
    const at = bucket[keys[k]]++;
    order[at] = syms[k];
    node[at] = keys[k];
  }
}

/**
 * Minimum-redundancy code lengths computed in place (Moffat and Katajainen, 1995): `node` holds the
 * sorted counts; the leaves per depth go to `perLength`, those deeper than `limit` counted at
 * `limit`. The leaves themselves are not given their depths: the least frequent are the deepest.
 *
 * @returns the depth of the deepest leaf
 */
function treeDepths(m: number, limit: number): number {
  // First pass: node[i] becomes the weight of internal node i, then a pointer to its parent.
  node[0] += node[1];
  let root = 0;
  let leaf = 2;
  for (let next = 1; next < m - 1; next++) {
    if (leaf >= m || node[root] < node[leaf]) {
      node[next] = node[root];
      node[root++] = next;
    } else node[next] = node[leaf++];
    if (leaf >= m || (root < next && node[root] < node[leaf])) {
      node[next] += node[root];
      node[root++] = next;
    } else node[next] += node[leaf++];
  }
  // Second pass: the depth of each internal node, from the root (m - 2) down.
  node[m - 2] = 0;
  for (let next = m - 3; next >= 0; next--) node[next] = node[node[next]] + 1;
  // Third pass: the leaves per level, what the internal nodes of a level leave of its places.
  for (let l = 0; l < 16; l++) perLength[l] = 0;
  let available = 1;
  let level = 0;
  let internal = m - 2;
  while (available > 0) {
    let used = 0;
    while (internal >= 0 && node[internal] === level) {
      used++;
      internal--;
    }
    perLength[level <= limit ? level : limit] += available - used;
    available = 2 * used;
    level++;
  }
  return level - 1;
}

/**
 * Leaves below the limit were pulled up to it: makes the code complete again, the Kraft sum (in
 * units of 2^-limit) exactly 2^limit.
 */
function limitDepths(limit: number): void {
  const full = 1 << limit;
  let kraft = 0;
  for (let l = 1; l <= limit; l++) kraft += perLength[l] << (limit - l);
  while (kraft > full) { // push a leaf of the deepest level above the limit one level down
    let l = limit - 1;
    while (perLength[l] === 0) l--;
    perLength[l]--;
    perLength[l + 1]++;
    kraft -= 1 << (limit - l - 1);
  }
  while (kraft < full) { // pull a leaf of the deepest level one level up
    let l = limit;
    while (perLength[l] === 0) l--;
    perLength[l]--;
    perLength[l - 1]++;
    kraft += 1 << (limit - l);
  }
}

/**
 * Huffman code lengths, none longer than `limit`, for the `m` symbols `syms` (increasing) of counts
 * `freq`, into `lens`. The code is always complete (zlib's inflate rejects incomplete ones): with
 * fewer than two symbols, unused symbols are added to `syms` to make two codes of length 1. The
 * size of the coded symbols goes to `built.bits`, the first canonical code of each length to
 * `first` (RFC 1951 §3.2.2, step 2), for {@linkcode canonicalCodes}. The counts are used up: `freq`
 * is left all zero, ready for the next block.
 *
 * @returns the number of symbols in `syms`, added ones included
 */
export function buildLengths(
  freq: Uint32Array,
  syms: Uint16Array,
  m: number,
  limit: number,
  lens: Uint8Array,
  first: Uint16Array,
): number {
  if (m < 2) {
    if (m === 0) syms[m++] = 0;
    if (syms[0] === 0) syms[m++] = 1;
    else {
      syms[1] = syms[0];
      syms[0] = 0;
      m = 2;
    }
    lens[syms[0]] = lens[syms[1]] = 1;
    first[1] = 0;
    built.bits = freq[syms[0]] + freq[syms[1]];
    freq[syms[0]] = freq[syms[1]] = 0;
    return m;
  }
  sortByCount(freq, syms, m);
  let deepest = treeDepths(m, limit);
  if (deepest > limit) {
    limitDepths(limit);
    deepest = limit;
  }
  // The lengths by decreasing depth to the symbols by increasing count.
  let bits = 0;
  for (let l = deepest, i = 0; l >= 1; l--) {
    for (let count = perLength[l]; count > 0; count--) {
      const sym = order[i++];
      lens[sym] = l;
      bits += freq[sym] * l;
      freq[sym] = 0;
    }
  }
  built.bits = bits;
  for (let l = 1, code = 0; l <= deepest; l++) {
    code = (code + perLength[l - 1]) << 1;
    first[l] = code;
  }
  return m;
}

/** What the last {@linkcode buildLengths} found: the size in bits of the symbols it coded. */
export const built = { bits: 0 };

/**
 * Canonical Huffman codes (RFC 1951 §3.2.2) of the symbols `syms` (increasing), bit-reversed, from
 * the first code of each length that {@linkcode buildLengths} gave (`first` is used up).
 */
export function canonicalCodes(
  lens: Uint8Array,
  syms: Uint16Array,
  m: number,
  first: Uint16Array,
  codes: Uint16Array,
): void {
  for (let k = 0; k < m; k++) {
    const sym = syms[k];
    const l = lens[sym];
    codes[sym] = reverseBits(first[l]++, l);
  }
}
