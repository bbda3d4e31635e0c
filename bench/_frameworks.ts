/**
 * The frameworks bench/node_frameworks.bench.ts and bench/fetch_frameworks.bench.ts measure, and how
 * to start their servers. Each entry starts up to three servers in child processes (on the runtime
 * it names), on the port given, against `DATABASE_URL`:
 *
 * - `ours`: our adapter on the framework, routes `/static` (never touches the session), `/read`
 *   (loads the Django session, answers `n`) and `/write` (changes it, saved by the adapter);
 * - `raw`: the framework alone, `/read` doing one raw postgres.js select of the session row;
 * - `baseline`: the framework's usual session library on the same PostgreSQL, `POST /seed` (creates
 *   a session with n = 1, answers with its cookie), `/read`, `/static`.
 *
 * Every server answers plain text and prints "ready" once listening. To add a framework, write its
 * server scripts and append an entry to {@linkcode FRAMEWORKS}.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));

/** A running server process. */
export interface Server {
  /** `http://127.0.0.1:<port>` */
  url: string;
  child: ChildProcess;
  /** Resident memory now, in MB. */
  rss(): number;
  /** CPU time the process has used so far (user + system), in ms. */
  cpu(): number;
  /** Ends the process and waits for it. */
  stop(): Promise<void>;
}

/** One framework's server starters (no `baseline` where no session library is usual there). */
export interface Framework {
  name: string;
  ours(port: number): Promise<Server>;
  raw(port: number): Promise<Server>;
  baseline?(port: number): Promise<Server>;
}

/** The runtimes a server script can run on. */
export type Runtime = "node" | "deno" | "bun";

const COMMANDS: Record<Runtime, string[]> = {
  node: [process.execPath, "--import", "tsx"],
  deno: [`${root}node_modules/.bin/deno`, "run", "-A"],
  bun: [`${root}node_modules/.bin/bun`],
};

/** What every server is given besides its port (`DATABASE_URL`: the benchmark's own). */
export const SERVER_ENV = {
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/bench_frameworks",
  DJANGO_SECRET_KEY: "django-insecure-bench",
};

const running = new Set<ChildProcess>();
process.on("exit", () => running.forEach((child) => child.kill()));

/**
 * Starts `<script>` on a runtime with `MODE`, `PORT` and `env`; resolves once it printed "ready".
 *
 * @param script the server script
 * @param mode `ours`, `raw` or `baseline`
 * @param port its port
 * @param runtime the runtime to run it on
 * @param env more environment (e.g. `FRAMEWORK`)
 */
export async function startServer(
  script: string,
  mode: string,
  port: number,
  runtime: Runtime = "node",
  env: Record<string, string> = {},
): Promise<Server> {
  const [command, ...args] = COMMANDS[runtime];
  const child = spawn(command, [...args, script], {
    cwd: root,
    env: { ...process.env, ...SERVER_ENV, ...env, MODE: mode, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      if (chunk.includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`${script} ${mode} exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    rss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024;
    },
    cpu: () => {
      // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 10 ms
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A Node framework whose three servers are one script in three modes. */
function nodeFramework(name: string, script: string, baselineScript = script): Framework {
  return {
    name,
    ours: (port) => startServer(script, "ours", port),
    raw: (port) => startServer(script, "raw", port),
    baseline: (port) => startServer(baselineScript, "baseline", port),
  };
}

/** The Node frameworks measured, in order, each against its usual session library too. */
export const NODE_FRAMEWORKS: Framework[] = [
  nodeFramework("express", "bench/express_server.ts", "bench/express_session_server.ts"),
  nodeFramework("fastify", "bench/fastify_server.ts"),
  nodeFramework("koa", "bench/koa_server.ts"),
];

/** A fetch-style framework of bench/fetch_server.ts on one runtime: `ours` and `raw`. */
function fetchFramework(framework: string, runtime: Runtime): Framework {
  const env = { FRAMEWORK: framework };
  return {
    name: `${framework}/${runtime}`,
    ours: (port) => startServer("bench/fetch_server.ts", "ours", port, runtime, env),
    raw: (port) => startServer("bench/fetch_server.ts", "raw", port, runtime, env),
  };
}

/** The fetch-style frameworks measured, each on the runtimes it serves. */
export const FETCH_FRAMEWORKS: Framework[] = [
  fetchFramework("withSession", "deno"),
  fetchFramework("withSession", "bun"),
  fetchFramework("withSession", "node"),
  fetchFramework("hono", "deno"),
  fetchFramework("hono", "bun"),
  fetchFramework("hono", "node"),
  fetchFramework("h3", "deno"),
  fetchFramework("h3", "bun"),
  fetchFramework("h3", "node"),
  fetchFramework("oak", "deno"),
  fetchFramework("oak", "node"),
  fetchFramework("elysia", "bun"),
];
