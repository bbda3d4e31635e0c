/**
 * A synchronous zlib (RFC 1950) compressor for session-sized inputs, written from RFC 1950/1951:
 * LZ77 over a 32 KiB window (hash chains of 3-byte prefixes, bounded probes, one-step lazy
 * matching as zlib's level 6 does), then for each block whichever of dynamic Huffman (BTYPE=10),
 * fixed Huffman (BTYPE=01) or stored (BTYPE=00) comes out smallest, counted in bits beforehand.
 * `CompressionStream("deflate")` stays the better choice for large inputs: zlib splits blocks where
 * the statistics change and is native code.
 *
 * No per-call allocation besides the result: the hash table, the chain links, the token buffer,
 * the Huffman workspace and the output buffer live at module level, and the fixed tables are built
 * once at load. The hash table is never cleared between calls: positions are stored offset by a
 * base that grows by the input's length on every call, so an entry below the current base is
 * simply an empty slot.
 *
 * @module
 */

import { CODE_LENGTH_ORDER, reverseBits } from "./deflate_format.ts";

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
/** Input bytes per block: each block is dynamic, fixed or (one) stored, whichever is smallest. */
const BLOCK = 16384;
/** The shared output buffer grows up to this; larger outputs get a buffer of their own. */
const SHARED_MAX = 1 << 18;
/** Results up to this size are cut from a pooled slab, as Node pools its small buffers (see `result`). */
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

/** Literal/length symbols (0..285, 286 and 287 never occur) and distance symbols. */
const LITLEN = 286;
const DISTS = 30;
const END_OF_BLOCK = 256;
/** Fixed codes (RFC 1951 §3.2.6), bit-reversed, and their lengths. */
const FIXED_LIT_CODE = new Uint16Array(LITLEN);
const FIXED_LIT_LEN = new Uint8Array(LITLEN);
const FIXED_DIST_CODE = new Uint16Array(DISTS);
const FIXED_DIST_LEN = new Uint8Array(DISTS).fill(5);
/** For each match length 3..258: its symbol, and its extra bits (count and value). */
const LEN_SYM = new Uint16Array(MAX_MATCH + 1);
const LEN_XBITS = new Uint8Array(MAX_MATCH + 1);
const LEN_XVAL = new Uint8Array(MAX_MATCH + 1);
/** Distance symbol of distance d: `DIST_SYM[d - 1]` below 257, else `DIST_SYM[256 + ((d - 1) >> 7)]`. */
const DIST_SYM = new Uint8Array(512);
const DIST_BASE = new Uint16Array(DISTS);
const DIST_XBITS = new Uint8Array(DISTS);

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

/** Symbol counts of the block, and which symbols occur (a bit each); all zero between blocks. */
const litFreq = new Uint32Array(LITLEN);
const distFreq = new Uint32Array(DISTS);
const litSeen = new Int32Array(9);
const distSeen = new Int32Array(1);
/** The symbols that occur, in increasing order (and up to two unused ones, see `buildLengths`). */
const litSyms = new Uint16Array(LITLEN);
const distSyms = new Uint16Array(DISTS);
const clSyms = new Uint16Array(19);
/** The block's dynamic codes (bit-reversed) and lengths; only occurring symbols are valid. */
const litCode = new Uint16Array(LITLEN);
const litLen = new Uint8Array(LITLEN);
const distCode = new Uint16Array(DISTS);
const distLen = new Uint8Array(DISTS);
/** Code-length alphabet (RFC 1951 §3.2.7): its order in the header, counts, codes, lengths. */
const CL_XBITS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7];
const clFreq = new Uint32Array(19);
const clCode = new Uint16Array(19);
const clLen = new Uint8Array(19);
/** The run-length coding of the code lengths: symbol and extra bits of each. */
const rleSym = new Uint8Array(LITLEN + DISTS);
const rleExtra = new Uint8Array(LITLEN + DISTS);
let rleCount = 0;
/** What the last `buildLengths` counted: the size in bits of the symbols it coded. */
let treeBits = 0;
/** HCLEN: how many code-length code lengths the header holds. */
let headerCodes = 4;
/** Huffman workspace: symbols by increasing count, their counts, the in-place tree, counts. */
const order = new Uint16Array(LITLEN);
const weight = new Int32Array(LITLEN);
const node = new Int32Array(LITLEN);
const keys = new Int32Array(LITLEN);
const bucket = new Uint16Array(256);
const perLength = new Uint16Array(16);
const nextCode = new Uint16Array(16);

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

/**
 * Huffman code lengths, none longer than `limit`, for the `m` symbols `syms` (increasing) of counts
 * `freq`, into `lens`. The code is always complete (zlib's inflate rejects incomplete ones): with
 * fewer than two symbols, unused symbols are added to `syms` to make two codes of length 1.
 *
 * @returns the number of symbols in `syms`, added ones included
 */
function buildLengths(
  freq: Uint32Array,
  syms: Uint16Array,
  m: number,
  limit: number,
  lens: Uint8Array,
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
    treeBits = freq[syms[0]] + freq[syms[1]];
    return m;
  }
  // Symbols by increasing count (ties by symbol) into order/weight: a counting sort when the
  // counts are small, as in session-sized blocks.
  let most = 0;
  for (let k = 0; k < m; k++) {
    const f = freq[syms[k]];
    weight[k] = f;
    if (f > most) most = f;
  }
  if (most < 256) {
    for (let f = 0; f <= most; f++) bucket[f] = 0;
    for (let k = 0; k < m; k++) bucket[weight[k]]++;
    for (let f = 0, sum = 0; f <= most; f++) {
      const count = bucket[f];
      bucket[f] = sum;
      sum += count;
    }
    for (let k = 0; k < m; k++) {
      const at = bucket[weight[k]]++;
      order[at] = syms[k];
      node[at] = weight[k];
    }
  } else {
    for (let k = 0; k < m; k++) keys[k] = weight[k] * 512 + syms[k];
    const sorted = keys.subarray(0, m).sort();
    for (let k = 0; k < m; k++) {
      order[k] = sorted[k] & 511;
      node[k] = sorted[k] >>> 9;
    }
  }
  // Minimum-redundancy code lengths computed in place (Moffat and Katajainen, 1995) in `node`.
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
  // Third pass: leaf depths, the shallowest to the most frequent (the end), counted per level.
  for (let l = 0; l < 16; l++) perLength[l] = 0;
  let available = 1;
  let used = 0;
  let level = 0;
  let internal = m - 2;
  let next = m - 1;
  while (available > 0) {
    while (internal >= 0 && node[internal] === level) {
      used++;
      internal--;
    }
    for (; available > used; available--) {
      node[next--] = level;
      if (level <= limit) perLength[level]++;
      else perLength[limit]++;
    }
    available = 2 * used;
    level++;
    used = 0;
  }
  if (node[0] > limit) {
    // Leaves below the limit were pulled up to it: make the code complete again, the Kraft sum
    // (in units of 2^-limit) exactly 2^limit, and give the lengths out again by frequency.
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
    for (let l = limit, i = 0; l >= 1; l--) {
      for (let count = perLength[l]; count > 0; count--) node[i++] = l;
    }
  }
  // The size of the coded symbols in bits.
  let bits = 0;
  for (let i = 0; i < m; i++) {
    const sym = order[i];
    lens[sym] = node[i];
    bits += freq[sym] * node[i];
  }
  treeBits = bits;
  return m;
}

/** Canonical Huffman codes (RFC 1951 §3.2.2) of the symbols `syms` (increasing), bit-reversed. */
function canonicalCodes(lens: Uint8Array, syms: Uint16Array, m: number, codes: Uint16Array): void {
  for (let l = 0; l < 16; l++) perLength[l] = 0;
  for (let k = 0; k < m; k++) perLength[lens[syms[k]]]++;
  let code = 0;
  for (let l = 1; l < 16; l++) {
    code = (code + perLength[l - 1]) << 1;
    nextCode[l] = code;
  }
  for (let k = 0; k < m; k++) {
    const sym = syms[k];
    const l = lens[sym];
    codes[sym] = reverseBits(nextCode[l]++, l);
  }
}

/**
 * Run-length codes `run` code lengths equal to `value` with symbols 16 (repeat the previous length
 * 3–6 times), 17 (3–10 zeros) and 18 (11–138 zeros), counting the symbols in `clFreq`.
 */
function runLength(value: number, run: number): void {
  let count = rleCount;
  if (value === 0) {
    for (; run >= 11; run -= 138) {
      rleSym[count] = 18;
      rleExtra[count++] = (run < 138 ? run : 138) - 11;
      clFreq[18]++;
    }
    if (run >= 3) {
      rleSym[count] = 17;
      rleExtra[count++] = run - 3;
      clFreq[17]++;
      run = 0;
    }
  } else {
    rleSym[count] = value;
    rleExtra[count++] = 0;
    clFreq[value]++;
    for (run--; run >= 3; run -= 6) {
      rleSym[count] = 16;
      rleExtra[count++] = (run < 6 ? run : 6) - 3;
      clFreq[16]++;
    }
  }
  for (; run > 0; run--) {
    rleSym[count] = value;
    rleExtra[count++] = 0;
    clFreq[value]++;
  }
  rleCount = count;
}

/**
 * The header of a dynamic block for the lengths `litLen`/`distLen` of `litSyms`/`distSyms`: code
 * lengths run-length coded (zeros between occurring symbols as runs), then the code-length code.
 *
 * @returns the header's size in bits, after the 3 block-type bits
 */
function dynamicHeader(litCount: number, distCount: number): number {
  const hlit = litSyms[litCount - 1] + 1;
  rleCount = 0;
  for (let sym = 0; sym < 19; sym++) clFreq[sym] = 0;
  let value = -1; // the run being gathered
  let run = 0;
  let next = 0; // the next position in the sequence of HLIT + HDIST lengths
  for (let k = 0; k < litCount + distCount; k++) {
    const at = k < litCount ? litSyms[k] : hlit + distSyms[k - litCount];
    const length = k < litCount ? litLen[at] : distLen[at - hlit];
    if (at > next) { // zeros since the last occurring symbol
      if (value !== 0) {
        if (run > 0) runLength(value, run);
        value = 0;
        run = 0;
      }
      run += at - next;
    }
    if (length !== value) {
      if (run > 0) runLength(value, run);
      value = length;
      run = 0;
    }
    run++;
    next = at + 1;
  }
  runLength(value, run);
  let m = 0;
  for (let sym = 0; sym < 19; sym++) if (clFreq[sym] !== 0) clSyms[m++] = sym;
  for (let sym = 0; sym < 19; sym++) clLen[sym] = 0; // the first HCLEN lengths are all written
  m = buildLengths(clFreq, clSyms, m, 7, clLen);
  canonicalCodes(clLen, clSyms, m, clCode);
  let hclen = 19;
  while (hclen > 4 && clLen[CODE_LENGTH_ORDER[hclen - 1]] === 0) hclen--;
  headerCodes = hclen;
  return 5 + 5 + 4 + 3 * hclen + treeBits + 2 * clFreq[16] + 3 * clFreq[17] + 7 * clFreq[18];
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
    let extra = 0; // extra bits of lengths and distances: the same for fixed and dynamic codes
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
        const dsym = d < 256 ? DIST_SYM[d] : DIST_SYM[256 + (d >> 7)];
        const lsym = LEN_SYM[prevLen];
        litFreq[lsym]++;
        litSeen[lsym >> 5] |= 1 << (lsym & 31);
        distFreq[dsym]++;
        distSeen[0] |= 1 << dsym;
        extra += LEN_XBITS[prevLen] + DIST_XBITS[dsym];
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
          litFreq[c]++;
          litSeen[c >> 5] |= 1 << (c & 31);
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
      litFreq[c]++;
      litSeen[c >> 5] |= 1 << (c & 31);
    }
    litFreq[END_OF_BLOCK] = 1;
    litSeen[END_OF_BLOCK >> 5] |= 1 << (END_OF_BLOCK & 31);

    // Sizes in bits. Dynamic: the header (counts, code-length code, run-length coded lengths),
    // then the data. Stored: 3 header bits, padding to a byte, LEN and NLEN, the bytes.
    let fixed = 3 + extra;
    let dynamic = 3 + extra;
    let litCount = seenSymbols(litSeen, 9, litSyms);
    for (let k = 0; k < litCount; k++) {
      const sym = litSyms[k];
      fixed += litFreq[sym] * FIXED_LIT_LEN[sym];
    }
    let distCount = seenSymbols(distSeen, 1, distSyms);
    for (let k = 0; k < distCount; k++) fixed += distFreq[distSyms[k]] * 5;
    litCount = buildLengths(litFreq, litSyms, litCount, 15, litLen);
    dynamic += treeBits;
    distCount = buildLengths(distFreq, distSyms, distCount, 15, distLen);
    dynamic += treeBits;
    dynamic += dynamicHeader(litCount, distCount);
    const stored = 3 + ((8 - ((bc + 3) & 7)) & 7) + 32 + 8 * (end - start);

    if (fixed <= stored || dynamic <= stored) {
      // The data is written with litCode/litLen and distCode/distLen, whichever codes they hold.
      if (dynamic < fixed) {
        canonicalCodes(litLen, litSyms, litCount, litCode);
        canonicalCodes(distLen, distSyms, distCount, distCode);
        const hlit = litSyms[litCount - 1] + 1;
        const hdist = distSyms[distCount - 1] + 1;
        const hclen = headerCodes;
        // BFINAL, BTYPE=10 (least significant bit first), HLIT, HDIST, HCLEN.
        bb |= (last | 4 | ((hlit - 257) << 3) | ((hdist - 1) << 8) | ((hclen - 4) << 13)) << bc;
        bc += 17;
        while (bc >= 8) {
          out[op++] = bb;
          bb >>= 8;
          bc -= 8;
        }
        for (let i = 0; i < hclen; i++) {
          bb |= clLen[CODE_LENGTH_ORDER[i]] << bc;
          bc += 3;
          if (bc >= 8) {
            out[op++] = bb;
            bb >>= 8;
            bc -= 8;
          }
        }
        for (let i = 0; i < rleCount; i++) {
          const sym = rleSym[i];
          bb |= (clCode[sym] | (rleExtra[i] << clLen[sym])) << bc;
          bc += clLen[sym] + CL_XBITS[sym];
          while (bc >= 8) {
            out[op++] = bb;
            bb >>= 8;
            bc -= 8;
          }
        }
      } else {
        litCode.set(FIXED_LIT_CODE);
        litLen.set(FIXED_LIT_LEN);
        distCode.set(FIXED_DIST_CODE);
        distLen.set(FIXED_DIST_LEN);
        bb |= (last | 2) << bc; // BFINAL, then BTYPE=01
        bc += 3;
      }
      for (let i = 0; i < nt; i++) {
        const t = tokens[i];
        if (t < 256) {
          bb |= litCode[t] << bc;
          bc += litLen[t];
        } else {
          const len = t & 511;
          const sym = LEN_SYM[len];
          bb |= (litCode[sym] | (LEN_XVAL[len] << litLen[sym])) << bc;
          bc += litLen[sym] + LEN_XBITS[len];
          while (bc >= 8) {
            out[op++] = bb;
            bb >>= 8;
            bc -= 8;
          }
          const dist = t >>> 9;
          const d = dist - 1;
          const dsym = d < 256 ? DIST_SYM[d] : DIST_SYM[256 + (d >> 7)];
          bb |= distCode[dsym] << bc;
          bc += distLen[dsym];
          while (bc >= 8) {
            out[op++] = bb;
            bb >>= 8;
            bc -= 8;
          }
          bb |= (dist - DIST_BASE[dsym]) << bc;
          bc += DIST_XBITS[dsym];
        }
        while (bc >= 8) {
          out[op++] = bb;
          bb >>= 8;
          bc -= 8;
        }
      }
      bb |= litCode[END_OF_BLOCK] << bc;
      bc += litLen[END_OF_BLOCK];
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
    // Counts back to zero for the next block (TypedArray.fill would be a C++ call on V8).
    for (let k = 0; k < litCount; k++) litFreq[litSyms[k]] = 0;
    for (let k = 0; k < distCount; k++) distFreq[distSyms[k]] = 0;
    for (let w = 0; w < 9; w++) litSeen[w] = 0;
    distSeen[0] = 0;
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
