/**
 * The SQLite driver of the runtime running the tests — `bun:sqlite` under Bun, `node:sqlite` under
 * Deno, `better-sqlite3` under Node 20 — so one test file exercises each runtime's own driver, and
 * temporary database files for it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SqliteDatabase } from "../src/stores/sqlite_driver.ts";

/** Django's `SECRET_KEY` in `tests/django/bridge.py`, so both sides sign alike. */
export const SECRET_KEY = "django-insecure-test-key";

/** A driver's connection as the tests hold it: our structural type plus `close`. */
export type TestDatabase = SqliteDatabase & { close(): void };

const runtime = globalThis as { Bun?: unknown; Deno?: unknown };

/** Which driver this runtime's tests run on. */
export const SQLITE_DRIVER = runtime.Bun
  ? "bun:sqlite"
  : runtime.Deno
  ? "node:sqlite"
  : "better-sqlite3";

// Specifiers in variables: each runtime resolves (and Deno type-checks) only its own driver.
const modules: Record<typeof SQLITE_DRIVER, string> = {
  "bun:sqlite": "bun:sqlite",
  "node:sqlite": "node:sqlite",
  "better-sqlite3": "better-sqlite3",
};

/** Opens `path` with this runtime's driver, as an application would (no options). */
export async function openSqlite(path: string): Promise<TestDatabase> {
  const driver = await import(modules[SQLITE_DRIVER]);
  if (SQLITE_DRIVER === "bun:sqlite") return new driver.Database(path);
  if (SQLITE_DRIVER === "node:sqlite") return new driver.DatabaseSync(path);
  return new driver.default(path);
}

/** A new empty directory under the OS temp dir; `path(name)` names files in it, `remove()` deletes it. */
export function tempDirectory(
  label: string,
): { path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `django-session-${label}-`));
  return {
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
