/**
 * What the command needs from the runtime it runs on — its arguments, environment, output, exit
 * code, and a SQLite driver — found by feature detection, so the one file runs on Deno, Bun and
 * Node unchanged.
 *
 * @module
 */

/** The runtime's process, as far as the command uses it. */
export interface Host {
  /** The arguments after the command name. */
  args: string[];
  /** An environment variable, or undefined. */
  env(name: string): string | undefined;
  /** Writes text to standard output. */
  write(text: string): void;
  /** Writes text to standard error. */
  error(text: string): void;
  /** Whether standard output is a terminal (colour only then). */
  isTerminal: boolean;
  /** Ends the process with this exit code. */
  exit(code: number): never;
  /** The runtime's name. */
  runtime: "deno" | "bun" | "node";
}

interface NodeLikeProcess {
  argv: string[];
  env: Record<string, string | undefined>;
  stdout: { write(text: string): void; isTTY?: boolean };
  stderr: { write(text: string): void };
  exit(code: number): never;
}

interface DenoLike {
  args: string[];
  env: { get(name: string): string | undefined };
  stdout: { writeSync(bytes: Uint8Array): number; isTerminal(): boolean };
  stderr: { writeSync(bytes: Uint8Array): number };
  exit(code: number): never;
}

/**
 * The host this command runs on.
 *
 * @returns Deno's or the Node-compatible process (Node, Bun)
 */
export function currentHost(): Host {
  const deno = Reflect.get(globalThis, "Deno") as DenoLike | undefined;
  if (deno) {
    const encoder = new TextEncoder();
    return {
      args: deno.args,
      env: (name) => deno.env.get(name),
      write: (text) => void deno.stdout.writeSync(encoder.encode(text)),
      error: (text) => void deno.stderr.writeSync(encoder.encode(text)),
      isTerminal: deno.stdout.isTerminal(),
      exit: (code) => deno.exit(code),
      runtime: "deno",
    };
  }
  const proc = Reflect.get(globalThis, "process") as NodeLikeProcess;
  return {
    args: proc.argv.slice(2),
    env: (name) => proc.env[name],
    write: (text) => proc.stdout.write(text),
    error: (text) => proc.stderr.write(text),
    isTerminal: Boolean(proc.stdout.isTTY),
    exit: (code) => proc.exit(code),
    runtime: "Bun" in globalThis ? "bun" : "node",
  };
}
