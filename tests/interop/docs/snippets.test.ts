// Issue 11: every TypeScript block of README.md and docs/*.md type-checks, as a user would paste
// it: each ```ts block (not ```ts ignore) becomes a module under tests/.snippets/ (gitignored), and
// `deno check` runs on all of them at once, resolving `@django-interop/session/…` through this
// package's own deno.json exports. A wrong type, a renamed export or a missing import fails CI.
//
// Registered under Node only: it drives the Deno binary itself, so running it from all three
// runners would only repeat the same check.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

const runtime = globalThis as { Bun?: unknown; Deno?: unknown };
const root = fileURLToPath(new URL("../../../", import.meta.url));
const out = `${root}tests/.snippets/`;

/** The ```ts blocks of one Markdown file, with the line each starts on. */
function snippets(markdown: string): { line: number; code: string }[] {
  const found: { line: number; code: string }[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```ts") continue;
    const start = i + 1;
    while (++i < lines.length && lines[i].trim() !== "```");
    found.push({ line: start + 1, code: lines.slice(start, i).join("\n") });
  }
  return found;
}

const files = [
  "README.md",
  ...readdirSync(`${root}docs`).filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

if (!runtime.Bun && !runtime.Deno) {
  describe("README and docs snippets", () => {
    after(() => rmSync(out, { recursive: true, force: true }));

    test("every ```ts block type-checks with deno check", () => {
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      const written: string[] = [];
      for (const file of files) {
        for (const { line, code } of snippets(readFileSync(`${root}${file}`, "utf8"))) {
          const name = `${file.replace(/[/.]/g, "_")}_${line}.ts`;
          // A module of its own (top-level await, no clashes between blocks).
          writeFileSync(`${out}${name}`, `// ${file}:${line}\n${code}\nexport {};\n`);
          written.push(`${out}${name}`);
        }
      }
      assert.ok(written.length >= 20, `only ${written.length} snippets found`);
      try {
        execFileSync(`${root}node_modules/.bin/deno`, ["check", "--quiet", ...written], {
          cwd: root,
          encoding: "utf8",
          stdio: "pipe",
          env: { ...process.env, NO_COLOR: "1" },
        });
      } catch (error) {
        const { stdout, stderr } = error as { stdout: string; stderr: string };
        assert.fail(`snippets that do not type-check:\n${stdout}${stderr}`);
      }
    });
  });
}
