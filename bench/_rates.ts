/**
 * The measuring loop the store benchmarks share: each mode runs `concurrency` workers for
 * `seconds`, `runs` times over, interleaved with the other modes so a noisy moment hits them all;
 * the median rate of each mode is printed with the ratios asked for.
 */
import { RUNTIME } from "../tests/_runtime.ts";
export type Op<A> = (arg: A) => Promise<unknown>;

const env =
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ??
    {};

/** Rounds from BENCH_SECONDS and BENCH_RUNS (2 s, 3 runs), 32 operations in flight. */
export const BENCH = {
  seconds: Number(env.BENCH_SECONDS ?? 2),
  runs: Number(env.BENCH_RUNS ?? 3),
  concurrency: 32,
};

/** Saves `count` realistic sessions (the `_auth_user_*` keys and a cart); resolves with their keys. */
export async function seedSessions(
  backend: { getSession(): { load(): Promise<SeedSession> } },
  count: number,
): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const session = await backend.getSession().load();
    session.update({
      _auth_user_id: String(i),
      _auth_user_backend: "django.contrib.auth.backends.ModelBackend",
      cart: [1, 2, 3],
    });
    await session.save();
    keys.push(session.key!);
  }
  return keys;
}

interface SeedSession {
  key: string | null;
  update(data: Record<string, unknown>): void;
  save(): Promise<boolean>;
}

/** Measures each mode and prints its median rate, then `a / b` for each pair in `ratios`. */
export async function compareRates<A>(
  title: string,
  modes: Record<string, Op<A>>,
  args: A[],
  ratios: [string, string][],
  { seconds, runs, concurrency }: { seconds: number; runs: number; concurrency: number },
): Promise<void> {
  const opsPerSecond = async (op: Op<A>): Promise<number> => {
    const end = performance.now() + seconds * 1000;
    let done = 0;
    await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; performance.now() < end; i += concurrency) {
        await op(args[i % args.length]);
        done++;
      }
    }));
    return done / seconds;
  };
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(modes).map((m) => [m, []]),
  );
  for (let run = 0; run < runs; run++) {
    for (const [mode, op] of Object.entries(modes)) samples[mode].push(await opsPerSecond(op));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rate = Object.fromEntries(Object.entries(samples).map(([m, xs]) => [m, median(xs)]));

  console.log(`${title} (${RUNTIME}, ${concurrency} concurrent, median of ${runs} x ${seconds}s)`);
  const width = Math.max(...Object.keys(modes).map((m) => m.length)) + 2;
  for (const [mode, perSecond] of Object.entries(rate)) {
    console.log(`  ${mode.padEnd(width)} ${Math.round(perSecond).toString().padStart(7)} /s`);
  }
  for (const [a, b] of ratios) {
    console.log(`  ${a} / ${b}`.padEnd(2 * width + 6) + (rate[a] / rate[b]).toFixed(2));
  }
}
