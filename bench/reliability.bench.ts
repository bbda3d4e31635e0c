/**
 * The reliability suite in its long mode (issue 14, point 10): `tests/interop/session/reliability.test.ts` with
 * `RELIABILITY_LONG=1` (100,000 tampering mutations per target, 2,000 random sessions against each
 * Django, 800 colliding creates, 200 concurrent saves) and the outage test, on Deno, Bun and Node one
 * after another. The figures are the tests' own printed lines.
 *
 * bench-runtimes: node
 */
import { spawnSync } from "node:child_process";

const files = [
  "tests/interop/session/reliability.test.ts",
  "tests/interop/stores/outage.test.ts",
];
const runtimes: Record<string, (file: string) => [string, string[]]> = {
  deno: (file) => ["node_modules/.bin/deno", ["test", "-A", file]],
  bun: (file) => ["node_modules/.bin/bun", ["test", "--timeout", "3600000", `./${file}`]],
  node: (file) => ["node", ["--import", "tsx", "--test", file]],
};
let failed = false;
for (const [runtime, command] of Object.entries(runtimes)) {
  for (const file of files) {
    const [bin, args] = command(file);
    console.log(`\n== ${runtime} ${file} (RELIABILITY_LONG=1)`);
    const run = spawnSync(bin, args, {
      env: { ...process.env, RELIABILITY_LONG: "1" },
      stdio: "inherit",
    });
    failed ||= run.status !== 0;
  }
}
process.exit(failed ? 1 : 0);
