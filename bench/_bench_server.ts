/**
 * Starts one benchmark server script in a child process (Node), in one MODE, on a port, against the
 * benchmark's own database; used by bench/_node_frameworks_fastify.ts and _node_frameworks_koa.ts
 * (the same contract as bench/_node_frameworks.ts's `startServer`, which replaces it on merge).
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
  /** Ends the process and waits for it. */
  stop(): Promise<void>;
}

/** One framework's three server starters: our adapter, the raw select, the usual session library. */
export interface Framework {
  name: string;
  ours(port: number): Promise<Server>;
  raw(port: number): Promise<Server>;
  baseline(port: number): Promise<Server>;
}

/** What every server is given besides its port. */
export const SERVER_ENV = {
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/bench_fastify_koa",
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
    rss: () =>
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A framework whose three servers are one script in three modes. */
export function framework(name: string, script: string): Framework {
  return {
    name,
    ours: (port) => startServer(script, "ours", port),
    raw: (port) => startServer(script, "raw", port),
    baseline: (port) => startServer(script, "baseline", port),
  };
}
