/**
 * `bun test ./bun.test.ts` runs the same suite as `deno test` and Node: every `*.test.ts` under
 * tests/ (both tiers, sorted), written against `node:test` and `node:assert/strict`, which all three
 * runtimes ship. `TEST_TIER=unit` limits it to tests/unit (the tier needing only a runtime).
 */
import { readdirSync } from "node:fs";

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const tier = env?.TEST_TIER ? `${env.TEST_TIER}/` : "";
const root = new URL(`./tests/${tier}`, import.meta.url);
const files = readdirSync(root, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".test.ts"))
  .map((file) => file.replaceAll("\\", "/"))
  .sort();
for (const file of files) await import(new URL(file, root).href);
