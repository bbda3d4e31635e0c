/**
 * `bun test ./bun.test.ts` runs the same suite as `deno test` and Node: every `tests/*.test.ts`,
 * written against `node:test` and `node:assert/strict`, which all three runtimes ship.
 */
import { readdirSync } from "node:fs";

const dir = new URL("./tests/", import.meta.url);
for (const file of readdirSync(dir).filter((f) => f.endsWith(".test.ts")).sort()) {
  await import(new URL(file, dir).href);
}
