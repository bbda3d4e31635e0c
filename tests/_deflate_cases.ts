/**
 * Hand-made zlib streams for the inflate tests, each with Python's verdict as the RFCs and zlib
 * 1.2 give it: the corners no compressor writes (distance 32768, a single one-bit distance code,
 * repeats across the two code length sequences) and one defect at a time (symbols 286 and 287,
 * incomplete and over-subscribed codes, bad headers and trailers). The test checks each verdict
 * with Python itself.
 */
import { BitWriter, type Op, zlibStream } from "./_deflate_writer.ts";

const encoder = new TextEncoder();
const text = (s: string) => encoder.encode(s);
const block = Uint8Array.from({ length: 32768 }, (_, i) => ((i * 131) >> 3) & 255);
/** A valid literal/length code of four 2-bit codes: 'a', 'b', end of block, length 3. */
const lit4 = (size = 258) =>
  Array.from({ length: size }, (_, s) => [97, 98, 256, 257].includes(s) ? 2 : 0);
const ab: Op[] = [{ literal: 97 }, { literal: 98 }];
/** A last block in the fixed code. */
export const fixed = (ops: Op[]) => new BitWriter().fixed(ops, true).finish();
const dynamic = (...args: Parameters<BitWriter["dynamic"]>) =>
  new BitWriter().dynamic(...args).finish();
/** A zlib header: CMF and FLG with FCHECK making them a multiple of 31 (RFC 1950 §2.2). */
const header = (cmf: number, flg = 0) => [cmf, flg + (31 - ((cmf * 256 + flg) % 31)) % 31];

/** A hand-made stream and Python's verdict on it. */
export interface Case {
  name: string;
  stream: Uint8Array;
  /** What Python makes of it: the inflated bytes, or `null` for an error. */
  expect: Uint8Array | null;
  /** For an error, the end of our message: the check that caught it. */
  why?: string;
}

const bytesOf = (output: string | Uint8Array) => typeof output === "string" ? text(output) : output;

/** A stream that inflates to `output`. */
function reads(name: string, deflated: Uint8Array, output: string | Uint8Array): Case {
  return { name, stream: zlibStream(deflated, bytesOf(output)), expect: bytesOf(output) };
}

/**
 * A stream with one defect, which check `why` catches. Its Adler-32 is that of `wouldBe`, what a
 * decoder that overlooked the defect would give (zeros for bytes from before the start).
 */
function refuses(name: string, deflated: Uint8Array, why: string, wouldBe = ""): Case {
  return { name, stream: zlibStream(deflated, text(wouldBe)), expect: null, why };
}

/** A stream refused for its header or trailer. */
function refusesStream(name: string, stream: Uint8Array, why: string): Case {
  return { name, stream, expect: null, why };
}

const abc = fixed([{ literal: 97 }, { literal: 98 }, { literal: 99 }]);
const abcStream = (cmfFlg?: number[]) => zlibStream(abc, text("abc"), cmfFlg);
const zeros = (n: number) => new Array(n).fill(0);
const codeLengths = (lengthOf: (symbol: number) => number) =>
  Array.from({ length: 19 }, (_, s) => lengthOf(s));
const only = (lengths: Record<number, number>) => lit4().map((_, s) => lengths[s] ?? 0);
const window300 = Uint8Array.from([...block.subarray(0, 300), ...block.subarray(0, 3)]);
/** Corner cases, and what Python's zlib makes of each. */
export const CASES: Case[] = [
  reads(
    "distance 32768, the farthest back",
    new BitWriter().stored(block, false).fixed([{ length: 258, distance: 32768 }], true).finish(),
    Uint8Array.from([...block, ...block.subarray(0, 258)]),
  ),
  reads(
    "a distance as far back as the output",
    fixed([ab[0], { length: 5, distance: 1 }]),
    "aaaaaa",
  ),
  refuses(
    "a distance past the start of the output",
    fixed([...ab, { length: 3, distance: 3 }]),
    "distance too far back",
    "ab\0ab",
  ),
  reads(
    "a distance into an earlier block",
    new BitWriter().stored(text("abc"), false).fixed([{ length: 3, distance: 3 }], true).finish(),
    "abcabc",
  ),
  refuses(
    "a distance past the start, from a later block",
    new BitWriter().stored(text("ab"), false).fixed([{ length: 3, distance: 3 }], true).finish(),
    "distance too far back",
    "ab\0ab",
  ),
  reads(
    "length 258 spelled as symbol 284 and extra bits 31",
    fixed([ab[0], { symbol: 284, extra: [31, 5] }, { distanceSymbol: 0 }]),
    "a".repeat(259),
  ),
  refuses("fixed literal/length 286", fixed([{ symbol: 286 }]), "invalid literal/length code"),
  refuses("fixed literal/length 287", fixed([{ symbol: 287 }]), "invalid literal/length code"),
  refuses(
    "fixed distance 30",
    fixed([...ab, { symbol: 257 }, { distanceSymbol: 30 }]),
    "invalid distance code",
  ),
  refuses(
    "fixed distance 31",
    fixed([...ab, { symbol: 257 }, { distanceSymbol: 31 }]),
    "invalid distance code",
  ),
  refuses("block type 3", new BitWriter().bits(1, 1).bits(3, 2).finish(), "invalid block type"),
  refuses(
    "a stored block whose NLEN is not LEN's complement",
    new BitWriter().stored(text("abc"), true, 0x1234).finish(),
    "does not match its complement",
    "abc",
  ),
  reads(
    "an empty stored block, then a fixed one",
    new BitWriter().stored(new Uint8Array(), false).fixed([{ literal: 120 }], true).finish(),
    "x",
  ),
  reads(
    "a single one-bit distance code",
    dynamic([...ab, { length: 3, distance: 1 }], lit4(), [1], true),
    "abbbb",
  ),
  refuses(
    "the missing code of a single one-bit distance code",
    dynamic([...ab, { symbol: 257, extra: [1, 1] }], lit4(), [1], true),
    "invalid distance code",
  ),
  reads("no distance code, literals only", dynamic(ab, lit4(), [0], true), "ab"),
  refuses(
    "no distance code, a length",
    dynamic([...ab, { symbol: 257, extra: [0, 8] }], lit4(), [0], true),
    "invalid distance code",
  ),
  reads("a single one-bit code, end of block", dynamic([], only({ 256: 1 }), [0], true), ""),
  refuses(
    "an incomplete literal/length code",
    dynamic([], only({ 97: 2, 256: 2 }), [0], true),
    "invalid literal/length code set",
  ),
  refuses(
    "an over-subscribed literal/length code",
    dynamic([], only({ 97: 1, 98: 1, 256: 1 }), [0], true),
    "invalid literal/length code set",
  ),
  refuses(
    "no end-of-block code",
    dynamic([], only({ 97: 1, 98: 1 }), [0], true),
    "no end-of-block code",
  ),
  refuses(
    "an incomplete distance code",
    dynamic(ab, lit4(), [1, 2], true),
    "invalid distance code set",
    "ab",
  ),
  refuses(
    "an over-subscribed distance code",
    dynamic(ab, lit4(), [1, 1, 1], true),
    "invalid distance code set",
    "ab",
  ),
  refuses(
    "an incomplete code length code",
    dynamic(ab, lit4(), [1], true, {
      codeLengths: codeLengths((s) => s <= 12 || s === 16 || s === 17 ? 4 : 0),
    }),
    "invalid code length code set",
    "ab",
  ),
  refuses(
    "an over-subscribed code length code",
    dynamic(ab, lit4(), [1], true, { codeLengths: codeLengths(() => 4) }),
    "invalid code length code set",
    "ab",
  ),
  refuses(
    "no code length code at all",
    dynamic(ab, lit4(), [1], true, { codeLengths: codeLengths(() => 0), sequence: [] }),
    "invalid code length code",
  ),
  reads("HLIT 29: 286 literal/length codes", dynamic(ab, lit4(286), [1], true), "ab"),
  refuses(
    "HLIT 30: 287 literal/length codes",
    dynamic(ab, lit4(287), [1], true),
    "too many length or distance codes",
    "ab",
  ),
  refuses(
    "HLIT 31: 288 literal/length codes",
    dynamic(ab, lit4(288), [1], true),
    "too many length or distance codes",
    "ab",
  ),
  reads("HDIST 29: 30 distance codes", dynamic(ab, lit4(), [1, ...zeros(29)], true), "ab"),
  refuses(
    "HDIST 30: 31 distance codes",
    dynamic(ab, lit4(), [1, ...zeros(30)], true),
    "too many length or distance codes",
    "ab",
  ),
  refuses(
    "HDIST 31: 32 distance codes",
    dynamic(ab, lit4(), [1, ...zeros(31)], true),
    "too many length or distance codes",
    "ab",
  ),
  refuses(
    "code 16 with no previous length (the zeros it would repeat are right)",
    dynamic(ab, lit4(), [1], true, {
      sequence: [[16, 0], ...lit4().slice(3).map((l) => [l]), [1]],
    }),
    "length repeat with no previous length",
    "ab",
  ),
  refuses(
    "a repeat past the last code",
    dynamic(ab, lit4(), [1], true, { sequence: [...lit4().map((l) => [l]), [18, 127]] }),
    "length repeat past the last code",
    "ab",
  ),
  reads(
    "a repeat running from the literal/length lengths into the distance ones",
    dynamic([...ab, ...ab, { length: 3, distance: 4 }], lit4(260), [0, 0, 0, 1], true, {
      sequence: [...lit4(258).map((l) => [l]), [17, 2], [1]],
    }),
    "abababa",
  ),
  refusesStream("CM 7", abcStream(header(0x77)), "unknown compression method"),
  refusesStream("CINFO 8: a 64 KiB window", abcStream(header(0x88)), "invalid window size"),
  {
    name: "CINFO 0: a 256-byte window, and a distance of 300",
    stream: zlibStream(
      new BitWriter().stored(block.subarray(0, 300), false)
        .fixed([{ length: 3, distance: 300 }], true).finish(),
      window300,
      header(0x08),
    ),
    expect: window300,
  },
  { name: "FLEVEL 3", stream: abcStream(header(0x78, 0xc0)), expect: text("abc") },
  refusesStream("a wrong FCHECK", abcStream([0x78, 0x9d]), "incorrect header check"),
  refusesStream("FDICT set", abcStream(header(0x78, 0x20)), "a preset dictionary is needed"),
  refuses("a wrong Adler-32", abc, "incorrect data check", "abd"),
  refusesStream("an Adler-32 cut short", abcStream().subarray(0, -1), "truncated stream"),
  refusesStream("no Adler-32", Uint8Array.from([0x78, 0x9c, ...abc]), "truncated stream"),
  {
    name: "bytes after the Adler-32",
    stream: Uint8Array.from([...abcStream(), 1, 2, 3]),
    expect: text("abc"),
  },
  refusesStream("empty input", new Uint8Array(), "truncated stream"),
  refusesStream("a header only", Uint8Array.from([0x78, 0x9c]), "truncated stream"),
  refusesStream(
    "a block cut in its middle",
    zlibStream(dynamic(ab, lit4(), [1], true).subarray(0, 20), new Uint8Array()).subarray(0, 22),
    "truncated stream",
  ),
  refuses(
    "a last block that is not marked last",
    new BitWriter().fixed([ab[0]], false).finish(),
    "does not match its complement",
    "a",
  ),
];
