/**
 * The password hashers inside workerd (plain, as `tests/interop/auth/hashers_workerd.test.ts`
 * serves them), against Django 5.2's own `check_password` and ours on the runtime that drives the
 * bench, on the same hashes with Django's default parameters, in one run (so the machine's speed
 * cancels out). workerd refuses WebAssembly compiled at run time, so argon2 and scrypt run there on
 * @noble/hashes and bcrypt on bcryptjs; here they run on hash-wasm. A workerd time includes one
 * loopback HTTP request (under a millisecond). Standalone:
 *
 *   node --import tsx bench/hashers_workerd.bench.ts
 *
 * bench-runtimes: node
 * BENCH_RUNS (default 3) checks per hasher and side; the median is reported.
 */
import { checkPassword } from "../src/auth/hashers.ts";
import { serveWorker } from "../tests/_workerd.ts";
import { BENCH_SETTINGS, djangoHashes, median, PASSWORD } from "./_django_hashers.ts";
import { RUNTIME as runtime } from "../tests/_runtime.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const theirs = djangoHashes(RUNS);
const worker = await serveWorker({ name: "hashers", bindings: {} });

async function inWorker(encoded: string): Promise<void> {
  const body = { op: "check", version: "5.2", costs: "django", password: PASSWORD, encoded };
  const response = await fetch(worker.url, { method: "POST", body: JSON.stringify(body) });
  if (!(await response.json()).ok) throw new Error(`${encoded}: ${worker.log()}`);
}

const ratio = (x: number) => `${Number(x.toPrecision(2))}×`;
console.log(`password hashers in workerd: check_password, ms (median of ${RUNS})`);
console.log(
  `| hasher | workerd | Django 5.2 | Django / workerd | ours on ${runtime} | workerd / ${runtime} |`,
);
console.log("| --- | --- | --- | --- | --- | --- |");
try {
  for (const [algorithm, [encoded, djangoMs]] of Object.entries(theirs)) {
    const there = await median(RUNS, () => inWorker(encoded));
    const here = await median(RUNS, () => checkPassword(PASSWORD, encoded, BENCH_SETTINGS));
    console.log(
      `| ${algorithm} | ${there.toPrecision(3)} | ${djangoMs.toPrecision(3)} | ` +
        `${ratio(djangoMs / there)} | ${here.toPrecision(3)} | ${ratio(there / here)} |`,
    );
  }
} finally {
  await worker.close();
}
