/**
 * The reliability suite's parts (issue 14, point 10), sized by the caller: `tests/interop/session/reliability.test.ts`
 * runs them small enough for `npm test`, `bench/reliability.bench.ts` (or `RELIABILITY_LONG=1`)
 * with 100,000 mutations per target. Each returns figures to print.
 */
import { memoryUsage } from "node:process";
import { random } from "./_iso_corpus.ts";

/** True for the long mode. */
export const LONG = (globalThis as { process?: { env: Record<string, string | undefined> } })
  .process?.env.RELIABILITY_LONG === "1";

/** What a tampering run counted. */
export interface FuzzFigures {
  target: string;
  mutations: number;
  accepted: number;
  throws: number;
  ms: number;
  heapGrowthMB: number;
  firstProblem?: string;
}

const ALPHABET = [
  ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:.=+/ \0é",
  "\ud800",
  "🍪",
];

/** One random edit of `token`: replace, delete, insert, swap, truncate, duplicate or case flip. */
function mutate(token: string, next: () => number): string {
  const at = Math.floor(next() * token.length);
  const c = ALPHABET[Math.floor(next() * ALPHABET.length)];
  switch (Math.floor(next() * 7)) {
    case 0:
      return token.slice(0, at) + c + token.slice(at + 1);
    case 1:
      return token.slice(0, at) + token.slice(at + 1);
    case 2:
      return token.slice(0, at) + c + token.slice(at);
    case 3:
      return token.slice(0, at) + token[at + 1] + token[at] + token.slice(at + 2);
    case 4:
      return token.slice(0, at);
    case 5:
      return token.slice(0, at) + token.slice(at - Math.floor(next() * 8), at) + token.slice(at);
    default: {
      const ch = token[at];
      const flipped = ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase();
      return token.slice(0, at) + flipped + token.slice(at + 1);
    }
  }
}

/**
 * Feeds `count` mutations of `token` to `verify`, which resolves true when it accepted the value,
 * false when it rejected it as it should, and throws for anything else (counted as a throw).
 */
export async function tamperFuzz(
  target: string,
  token: string,
  verify: (mutated: string) => Promise<boolean>,
  count: number,
  seed = 1,
): Promise<FuzzFigures> {
  const next = random(seed);
  const heapBefore = memoryUsage().heapUsed;
  const started = performance.now();
  let accepted = 0;
  let throws = 0;
  let firstProblem: string | undefined;
  for (let i = 0; i < count; i++) {
    let mutated = mutate(token, next);
    if (mutated === token) mutated = token + "x";
    try {
      if (await verify(mutated)) {
        accepted++;
        firstProblem ??= `accepted ${JSON.stringify(mutated)}`;
      }
    } catch (error) {
      throws++;
      firstProblem ??= `${JSON.stringify(mutated)} threw ${error}`;
    }
  }
  return {
    target,
    mutations: count,
    accepted,
    throws,
    ms: Math.round(performance.now() - started),
    heapGrowthMB: Math.round((memoryUsage().heapUsed - heapBefore) / 1e5) / 10,
    ...(firstProblem ? { firstProblem } : {}),
  };
}

const WORDS = [
  "",
  "a",
  "é",
  "Zoë",
  "🍪",
  "\ud800",
  "\u2028",
  '"q"',
  "\\",
  "__proto__",
  "x".repeat(300),
];

function value(next: () => number, depth: number): unknown {
  const kind = Math.floor(next() * (depth > 3 ? 5 : 7));
  switch (kind) {
    case 0:
      return WORDS[Math.floor(next() * WORDS.length)] + Math.floor(next() * 100);
    case 1:
      return Math.floor((next() - 0.5) * 2 ** Math.floor(next() * 60));
    case 2:
      return [0.5, 1e-7, 1e21, -0.1, 3.14159, NaN, Infinity, -Infinity][Math.floor(next() * 8)];
    case 3:
      return [true, false, null][Math.floor(next() * 3)];
    case 4:
      return String.fromCharCode(Math.floor(next() * 0x3000));
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default:
      return session(next, depth + 1);
  }
}

/** A random session dictionary: unicode, big and small numbers, NaN, nesting, odd keys. */
export function session(next: () => number, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i >= 0; i--) {
    const key = `${WORDS[Math.floor(next() * WORDS.length)]}k${i}`;
    Object.defineProperty(out, key, {
      value: value(next, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
