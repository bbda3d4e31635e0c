/**
 * Which runtime runs the tests (or a benchmark), and how to run a TypeScript file as a new process on
 * it: Deno and Bun run it as it is, Node through tsx.
 */
import process from "node:process";

/** The runtime running the tests (or a benchmark). */
export const RUNTIME = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";

const versions = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
/** The runtime and its version, e.g. `deno 2.9.6`, for a benchmark's heading. */
export const RUNTIME_VERSION = `${RUNTIME} ${
  versions.Deno?.version.deno ?? versions.Bun?.version ?? process.versions.node
}`;

/**
 * The command that runs `script` with `args` on this runtime.
 *
 * @param script the file's path
 * @param args its arguments
 * @returns the executable and its arguments, for `spawn`/`spawnSync`
 */
export function runtimeCommand(script: string, ...args: string[]): [string, string[]] {
  if (RUNTIME === "deno") return [process.execPath, ["run", "-A", script, ...args]];
  if (RUNTIME === "bun") return [process.execPath, [script, ...args]];
  return [process.execPath, ["--import", "tsx", script, ...args]];
}
