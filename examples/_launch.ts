/**
 * Starts example servers as child processes on one database and waits until each accepts
 * connections; used by the demo (examples/demo.ts) and the browser test. Node-only (it is tooling,
 * not the library).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { connect, createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { HOST } from "./_config.ts";

export type ServerName = "django" | "deno" | "bun" | "node" | "hono" | "express";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = (tool: string) => `${root}node_modules/.bin/${tool}`;
const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";

const COMMANDS: Record<ServerName, [string, string[]]> = {
  django: [PYTHON, ["examples/django_app.py"]],
  deno: [bin("deno"), ["run", "-A", "examples/deno_server.ts"]],
  bun: [bin("bun"), ["examples/bun_server.ts"]],
  node: [process.execPath, ["--import", "tsx", "examples/node_server.ts"]],
  hono: [process.execPath, ["--import", "tsx", "examples/hono_server.ts"]],
  express: [process.execPath, ["--import", "tsx", "examples/express_server.ts"]],
};

/** Whether `PYTHON` (default /usr/bin/python3) can import Django. */
export function djangoInstalled(): boolean {
  return spawnSync(PYTHON, ["-c", "import django"], { stdio: "ignore" }).status === 0;
}

/** Runs Django's migrate (with --fake-initial) on the demo database; throws when it fails. */
export function migrate(env: Record<string, string>): void {
  const run = spawnSync(PYTHON, ["examples/django_app.py", "migrate"], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`migrate failed: ${run.stderr}`);
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

/** A port nobody listens on right now (the OS picks it), for servers started by tests. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on("error", reject);
  });
}

/** Running servers: `stop()` ends exactly the processes this call started. */
export interface Launched {
  children: Map<ServerName, ChildProcess>;
  stop(): Promise<void>;
}

/**
 * Starts `names` with `env` (ports, SECRET_KEY, database) and resolves once every port accepts
 * connections, or rejects after `timeoutMs` or when a server exits first.
 */
export async function launch(
  names: ServerName[],
  ports: Record<ServerName, number>,
  env: Record<string, string>,
  { timeoutMs = 30_000, log = (_name: ServerName, _line: string) => {} } = {},
): Promise<Launched> {
  const children = new Map<ServerName, ChildProcess>();
  const recent = new Map<ServerName, string[]>(); // each server's last lines, for a failure
  const launched: Launched = {
    children,
    stop: () =>
      Promise.all([...children.values()].map((child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        })
      )).then(() => {}),
  };
  for (const name of names) {
    const [command, args] = COMMANDS[name];
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env } });
    const lines: string[] = [];
    recent.set(name, lines);
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding("utf8").on("data", (chunk: string) => {
        for (const line of chunk.split("\n")) {
          if (!line.trim()) continue;
          lines.push(line);
          if (lines.length > 20) lines.shift();
          log(name, line);
        }
      });
    }
    children.set(name, child);
  }
  const failed = (name: ServerName, what: string) =>
    new Error(`${name} ${what}; its last output:\n${recent.get(name)!.join("\n")}`);
  const deadline = Date.now() + timeoutMs;
  try {
    for (const name of names) {
      while (!(await listening(ports[name]))) {
        const child = children.get(name)!;
        if (child.exitCode !== null) throw failed(name, `exited (${child.exitCode})`);
        if (Date.now() > deadline) throw failed(name, `did not listen on ${ports[name]}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await launched.stop();
    throw error;
  }
  return launched;
}
