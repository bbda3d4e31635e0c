/**
 * Cloudflare's `workerd` for the tests: a worker under tests/workers/ is bundled with esbuild as
 * Wrangler bundles (esbuild's default `browser` platform, the `workerd`, `worker` and `browser`
 * conditions): the `workerd` export condition picks postgres.js's `cloudflare:sockets` build, and
 * the `browser` field maps bcryptjs's Node `crypto` fallback away. The bundle is served on a free
 * loopback port by the binary the `workerd` npm package ships.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));

export interface WorkerOptions {
  /** tests/workers/<name>.ts */
  name: string;
  /** Text bindings, read from the fetch handler's `env`. */
  bindings: Record<string, string>;
  /** e.g. `["nodejs_compat"]`; none means plain workerd. */
  flags?: string[];
}

/** A running workerd: `url` of its HTTP socket, `close()` stops it and removes its files. */
export interface RunningWorker {
  url: string;
  /** The last 4000 characters workerd printed (uncaught errors with `--verbose`). */
  log(): string;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** workerd's Cap'n Proto config. The outbound network allows loopback ("local"), which workerd's
 * default `internet` service (public addresses only) refuses. */
function config(options: WorkerOptions, port: number): string {
  const bindings = Object.entries(options.bindings)
    .map(([name, text]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(text)})`);
  const flags = (options.flags ?? []).map((flag) => JSON.stringify(flag));
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["public", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = [${flags.join(", ")}],
  bindings = [${bindings.join(", ")}],
  globalOutbound = "loopback",
);
`;
}

async function ready(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}): ${log()}`);
    try {
      await (await fetch(url, { method: "HEAD" })).body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`workerd did not listen on ${url}: ${log()}`);
}

/** Bundles tests/workers/<name>.ts and serves it with workerd. */
export async function serveWorker(options: WorkerOptions): Promise<RunningWorker> {
  const dir = mkdtempSync(join(tmpdir(), `django-session-workerd-${options.name}-`));
  execFileSync(join(root, "node_modules/.bin/esbuild"), [
    join(root, `tests/workers/${options.name}.ts`),
    "--bundle",
    "--format=esm",
    "--platform=browser",
    "--conditions=workerd,worker,browser",
    "--external:node:*",
    "--external:cloudflare:*",
    "--log-level=warning",
    `--outfile=${join(dir, "worker.js")}`,
  ]);
  const port = await freePort();
  writeFileSync(join(dir, "config.capnp"), config(options, port));
  const child = spawn(join(root, "node_modules/.bin/workerd"), [
    "serve",
    "--verbose",
    "config.capnp",
  ], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: string) => output = (output + chunk).slice(-4000);
  child.stdout!.setEncoding("utf8").on("data", keep);
  child.stderr!.setEncoding("utf8").on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  await ready(url, child, () => output);
  return {
    url,
    log: () => output,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
