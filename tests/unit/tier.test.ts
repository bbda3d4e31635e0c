/**
 * The unit tier needs nothing but a runtime: no Django, no Python, no database or cache server. This
 * guard follows every import of every file under tests/unit (through the shared helpers it reaches
 * in tests/) and fails on one that would start Python or reach a server.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const tests = fileURLToPath(new URL("../", import.meta.url));
const unit = join(tests, "unit");

/** Helpers and packages that start Django or Python, or connect to a server. */
const FORBIDDEN_FILES = ["_django.ts", "_postgres.ts", "_mysql.ts"].map((f) => join(tests, f));
const FORBIDDEN_PACKAGES = [
  "node:child_process",
  "child_process",
  "postgres",
  "mysql2",
  "mysql2/promise",
  "ioredis",
  "playwright-core",
  "pg",
];
/** Code that would run Python (or any process) or name a server, even without an import. */
const FORBIDDEN_TEXT = [
  /python3?["'`]/,
  /\b(spawn|spawnSync|execFile|execFileSync|execSync|Deno\.Command|Bun\.spawn)\b/,
  /127\.0\.0\.1|localhost:\d/,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith(".ts") ? [path] : [];
  });
}

function specifiers(source: string): string[] {
  const found = source.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g);
  return [...found].map((m) => m[1]);
}

/** Every problem reachable from `file`: forbidden helpers, packages or text in test code. */
function problems(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const source = readFileSync(file, "utf8");
  const name = relative(tests, file);
  const found: string[] = [];
  // This guard names what it forbids: it is the one file not checked.
  if (file === fileURLToPath(import.meta.url)) return [];
  for (const text of FORBIDDEN_TEXT) if (text.test(source)) found.push(`${name}: ${text}`);
  for (const specifier of specifiers(source)) {
    if (FORBIDDEN_PACKAGES.includes(specifier)) found.push(`${name} imports ${specifier}`);
    if (!specifier.startsWith(".")) continue;
    const target = resolve(dirname(file), specifier);
    if (FORBIDDEN_FILES.includes(target)) found.push(`${name} imports ${relative(tests, target)}`);
    // Test helpers are followed; src/ and mod.ts are Web APIs only (checked by deno lint rules).
    if (target.startsWith(tests)) found.push(...problems(target, seen));
  }
  return found;
}

test("no unit test reaches Django, Python or a server, directly or through a helper", () => {
  const all = files(unit);
  assert.ok(all.length >= 10, `${all.length} files under tests/unit`);
  assert.deepEqual(all.flatMap((file) => problems(file)), []);
});

test("the guard sees what it forbids", () => {
  assert.deepEqual(specifiers('import x from "../_django.ts";\nawait import("postgres");'), [
    "../_django.ts",
    "postgres",
  ]);
  assert.ok(FORBIDDEN_TEXT[0].test('spawn("/usr/bin/python3", ["-c"])'));
  const interop = files(join(tests, "interop"));
  assert.ok(interop.some((file) => problems(file).length > 0), "interop files are flagged");
});
