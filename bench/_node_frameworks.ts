/**
 * The frameworks bench/node_frameworks.bench.ts measures, and how to start their servers. Each entry
 * starts three servers in child processes (Node), on the port given, against `DATABASE_URL`:
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

/** One framework's three server starters. */
export interface Framework {
  name: string;
  ours(port: number): Promise<Server>;
  raw(port: number): Promise<Server>;
  baseline(port: number): Promise<Server>;
}

/** What every server is given besides its port. */
export const SERVER_ENV = {
  // BENCH_DATABASE_URL: a database of its own when several checkouts bench at once.
  DATABASE_URL: process.env.BENCH_DATABASE_URL ??
    "postgres://postgres@127.0.0.1:5432/bench_frameworks",
  DJANGO_SECRET_KEY: "django-insecure-bench",
};

const running = new Set<ChildProcess>();
process.on("exit", () => running.forEach((child) => child.kill()));

/** Starts `node --import tsx <script>` with `MODE` and `PORT`; resolves once it printed "ready". */
export async function startServer(script: string, mode: string, port: number): Promise<Server> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: root,
    env: { ...process.env, ...SERVER_ENV, MODE: mode, PORT: String(port) },
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

/** A framework whose three servers are one script in three modes. */
function framework(name: string, script: string, baselineScript = script): Framework {
  return {
    name,
    ours: (port) => startServer(script, "ours", port),
    raw: (port) => startServer(script, "raw", port),
    baseline: (port) => startServer(baselineScript, "baseline", port),
  };
}

/** The frameworks measured, in order. */
export const FRAMEWORKS: Framework[] = [
  framework("express", "bench/express_server.ts", "bench/http_express.ts"),
  framework("fastify", "bench/fastify_server.ts"),
  framework("koa", "bench/koa_server.ts"),
];
