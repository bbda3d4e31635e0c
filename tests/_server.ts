/**
 * A framework's own server for the adapter tests, in a child process: some frameworks listen only
 * on their home runtime (Elysia's `app.listen` on Bun), so every runner starts the same process.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../examples/_launch.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

/** A running test server: its base `url`; `close()` ends the process. */
export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Runs `node_modules/.bin/<tool> ...args` with `PORT` and `env`; resolves when it prints
 * "listening", rejects with its output when it exits first.
 */
export async function startServer(
  tool: string,
  args: string[],
  env: Record<string, string>,
): Promise<TestServer> {
  const port = await freePort();
  const child = spawn(`${root}node_modules/.bin/${tool}`, args, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const read = (chunk: string) => {
      output = (output + chunk).slice(-4000);
      if (output.includes("listening")) resolve();
    };
    child.stdout!.setEncoding("utf8").on("data", read);
    child.stderr!.setEncoding("utf8").on("data", read);
    child.once("exit", (code) => reject(new Error(`${tool} ${args} exited (${code}): ${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}
