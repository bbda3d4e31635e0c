/**
 * The operation timeout every store call runs under (`src/stores/timeout.ts`), against the same
 * call with no timeout and with the timer a hand-written timeout sets per call (`setTimeout`,
 * `clearTimeout` and `Promise.race`), in the same rounds. The call itself answers at once, so what
 * is left is the timeout's own cost. "One at a time" lets the last pending call settle before the
 * next starts, as a quiet server does; "16 in flight" keeps sixteen pending, as a busy one does.
 * Standalone on any runtime:
 *
 *   node --import tsx bench/store_timeout.bench.ts
 *   node_modules/.bin/bun bench/store_timeout.bench.ts
 *   node_modules/.bin/deno run -A bench/store_timeout.bench.ts
 *
 * Each round (BENCH_RUNS, default 5) times each variant over BENCH_CALLS calls (default 200,000);
 * the median round is reported, in µs a call above the call alone.
 */
import process from "node:process";
import { guarded } from "../src/stores/timeout.ts";
import { RUNTIME } from "../tests/_runtime.ts";
import { type Round, roundMedian } from "./_rounds.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 200_000);
const TIMEOUT = 5000;

type Call = () => Promise<unknown>;

const answer: Call = () => Promise.resolve("row");

/** A timer of its own per call, cleared when the call settles. */
const perCallTimer: Call = () => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), TIMEOUT);
  });
  return Promise.race([answer(), expired]).finally(() => clearTimeout(timer));
};

const VARIANTS: Record<string, Call> = {
  "no timeout": answer,
  "guarded (ours)": () => guarded("load", answer, TIMEOUT),
  "timer per call": perCallTimer,
};

/** µs per call with `width` calls in flight. */
async function perCall(call: Call, width: number): Promise<number> {
  let left = CALLS;
  const start = performance.now();
  await Promise.all(Array.from({ length: width }, async () => {
    while (left-- > 0) await call();
  }));
  return (performance.now() - start) * 1000 / CALLS;
}

const rounds: Round[] = [];
for (let r = 0; r < RUNS; r++) {
  const round: Round = {};
  for (const width of [1, 16]) {
    for (const [name, call] of Object.entries(VARIANTS)) {
      round[`${name}|${width}`] = await perCall(call, width);
    }
  }
  rounds.push(round);
}

const median = (key: string) => roundMedian(rounds, key);
console.log(`\nstore timeout bench (${RUNTIME}), median of ${RUNS} rounds × ${CALLS} calls`);
console.log(`  ${"".padEnd(18)}  one at a time   16 in flight   (µs a call above the call alone)`);
for (const name of Object.keys(VARIANTS).slice(1)) {
  const over = (width: number) =>
    (median(`${name}|${width}`) - median(`no timeout|${width}`)).toFixed(2).padStart(12);
  console.log(`  ${name.padEnd(18)} ${over(1)}   ${over(16)}`);
}
