/**
 * Each password hasher against Django 5.2's own `check_password` on the same hash, with Django's
 * default parameters, in one run (so the machine's speed cancels out): the ratio is Django's time
 * over ours (above 1: we are faster). For argon2 and scrypt the pure-JavaScript engine
 * (@noble/hashes, what Workers get) is timed too, and for bcrypt bcryptjs, so the choice of
 * library stays measured. Standalone on any runtime:
 *
 *   node --import tsx bench/hashers.bench.ts
 *   node_modules/.bin/deno run -A bench/hashers.bench.ts
 *   node_modules/.bin/bun bench/hashers.bench.ts
 *
 * BENCH_RUNS (default 3) checks per hasher and side; the median is reported.
 */
import { argon2idAsync } from "@noble/hashes/argon2.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import bcryptjs from "bcryptjs";
import { checkPassword } from "../src/auth/hashers.ts";
import { BENCH_SETTINGS, djangoHashes, median, PASSWORD } from "./_django_hashers.ts";
import { RUNTIME } from "../tests/_runtime.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const theirs = djangoHashes(RUNS);

const utf8 = (s: string) => new TextEncoder().encode(s);
/** The other libraries, on the same hashes, verifying by recomputing as our hashers do. */
const ALTERNATIVES: Record<string, [string, (encoded: string) => Promise<unknown>]> = {
  argon2: ["@noble/hashes", (encoded) => {
    const [, , , , salt] = encoded.split("$");
    return argon2idAsync(utf8(PASSWORD), Uint8Array.from(atob(salt), (c) => c.charCodeAt(0)), {
      t: 2,
      m: 102400,
      p: 8,
      dkLen: 16,
    });
  }],
  scrypt: ["@noble/hashes", (encoded) => {
    const [, n, salt, r, p] = encoded.split("$");
    return scryptAsync(utf8(PASSWORD), utf8(salt), { N: +n, r: +r, p: +p, dkLen: 64 });
  }],
  bcrypt: ["bcryptjs", (encoded) => bcryptjs.compare(PASSWORD, encoded.slice("bcrypt$".length))],
};

console.log(`password hashers on ${RUNTIME}: check_password, ms (median of ${RUNS})`);
console.log("| hasher | ours | Django 5.2 | Django / ours | other library | its ms |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const [algorithm, [encoded, djangoMs]] of Object.entries(theirs)) {
  const ours = await median(RUNS, async () => {
    if (!(await checkPassword(PASSWORD, encoded, BENCH_SETTINGS)).ok) throw new Error(algorithm);
  });
  const alternative = ALTERNATIVES[algorithm];
  const other = alternative ? await median(RUNS, () => alternative[1](encoded)) : null;
  console.log(
    `| ${algorithm} | ${ours.toPrecision(3)} | ${djangoMs.toPrecision(3)} | ` +
      `${(djangoMs / ours).toFixed(2)}× | ${alternative?.[0] ?? "—"} | ` +
      `${other?.toPrecision(3) ?? "—"} |`,
  );
}
