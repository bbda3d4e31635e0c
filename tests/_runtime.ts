/**
 * How to run a TypeScript file as a new process on the runtime running the tests: Deno and Bun run
 * it as it is, Node through tsx.
 */
import process from "node:process";

/** The runtime running the tests. */
export const RUNTIME = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";

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
