/**
 * Starts example servers as child processes on one database and waits until each accepts
 * connections; used by the demo (examples/demo.ts) and the browser test. Node-only (it is tooling,
 * not the library).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { HOST } from "./_config.ts";

export type ServerName =
  | "django"
  | "deno"
  | "bun"
  | "node"
  | "hono"
  | "elysia"
  | "fastify"
  | "koa"
  | "express"
  | "sveltekit"
  | "h3"
  | "next"
  | "oak";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = (tool: string) => `${root}node_modules/.bin/${tool}`;

/** The Python of the Django site: `PYTHON` in `env`, else in this process's environment. */
const python = (env: Record<string, string>) =>
  env.PYTHON ?? process.env.PYTHON ?? "/usr/bin/python3";

const COMMANDS: Record<Exclude<ServerName, "django">, [string, string[]]> = {
  deno: [bin("deno"), ["run", "-A", "examples/deno_server.ts"]],
  bun: [bin("bun"), ["examples/bun_server.ts"]],
  node: [process.execPath, ["--import", "tsx", "examples/node_server.ts"]],
  hono: [process.execPath, ["--import", "tsx", "examples/hono_server.ts"]],
  elysia: [bin("bun"), ["examples/elysia_server.ts"]],
  fastify: [process.execPath, ["--import", "tsx", "examples/fastify_server.ts"]],
  koa: [process.execPath, ["--import", "tsx", "examples/koa_server.ts"]],
  express: [process.execPath, ["--import", "tsx", "examples/express_server.ts"]],
  sveltekit: [process.execPath, ["--import", "tsx", "examples/sveltekit_server.ts"]],
  h3: [process.execPath, ["--import", "tsx", "examples/h3_server.ts"]],
  // Built first by launch() (buildNext); PORT and NEXT_PORT name the same port.
  next: [bin("next"), ["start", "examples/next", "--hostname", HOST]],
  oak: [bin("deno"), ["run", "-A", "examples/oak_server.ts"]],
};

/** The SvelteKit example's project directory (examples/sveltekit/). */
export const SVELTEKIT_APP = `${root}examples/sveltekit`;

/**
 * Runs a tool of the repository's node_modules/.bin in the SvelteKit example (`svelte-kit sync`,
 * `svelte-check`, `vite build`); resolves with its output, rejects with it when the tool fails.
 */
export function svelteKitTool(tool: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin(tool), args, { cwd: SVELTEKIT_APP, env: { ...process.env } });
    let output = "";
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding("utf8").on("data", (chunk: string) => void (output += chunk));
    }
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${tool} ${args.join(" ")} failed (${code}):\n${output}`));
    });
  });
}

/**
 * `next build` of examples/next (type-checks the app and the library it imports; output in the
 * gitignored examples/next/.next), with `env`: the build runs the app's modules, which open the
 * database. Throws with the build's output when it fails.
 */
export function buildNext(env: Record<string, string>): void {
  const run = spawnSync(bin("next"), ["build", "examples/next"], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`next build failed:\n${run.stdout}${run.stderr}`);
}

/** The Django releases `.ci/django-releases` prepares, newest first. */
export const DJANGO_RELEASES = ["6.1", "5.2", "4.2", "3.2"] as const;

/**
 * `PYTHON` and `PYTHONPATH` that run one release: 3.2 is Debian's own (/usr/bin/python3), 4.2 and
 * 5.2 are unpacked under .cache/django/ for it, and 6.1 (Python ≥ 3.12) runs on trixie's Python 3.13.
 */
export function djangoRuntime(version: string): { PYTHON: string; PYTHONPATH: string } {
  if (version === "3.2") return { PYTHON: "/usr/bin/python3", PYTHONPATH: "" };
  return {
    PYTHON: version === "6.1" ? `${root}.cache/python3.13/python` : "/usr/bin/python3",
    PYTHONPATH: `${root}.cache/django/${version}/root/usr/lib/python3/dist-packages`,
  };
}

/**
 * The newest Django that runs here, with the environment that runs it: the one `PYTHON` imports
 * when it is set, else the newest of {@linkcode DJANGO_RELEASES} that is installed; null if none.
 */
export function newestDjango(): { version: string; env: Record<string, string> } | null {
  const candidates = process.env.PYTHON
    ? [{ PYTHON: process.env.PYTHON, PYTHONPATH: process.env.PYTHONPATH ?? "" }]
    : DJANGO_RELEASES.map(djangoRuntime);
  for (const env of candidates) {
    const run = spawnSync(env.PYTHON, ["-c", "import django; print(django.get_version())"], {
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    if (run.status === 0) return { version: run.stdout.trim(), env };
  }
  return null;
}

/**
 * Runs Django's migrate (with --fake-initial) on the demo database and seeds the demo user;
 * throws when it fails.
 */
export function migrate(env: Record<string, string>): void {
  const run = spawnSync(python(env), ["examples/django_app.py", "migrate"], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`migrate failed: ${run.stderr}`);
}

/** Whether something accepts connections on `port` of {@linkcode HOST} right now. */
export function listening(port: number): Promise<boolean> {
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
  // The SvelteKit example serves its adapter-node build: made once, on first launch.
  if (names.includes("sveltekit") && !existsSync(`${SVELTEKIT_APP}/build/handler.js`)) {
    await svelteKitTool("vite", ["build"]);
  }
  if (names.includes("next")) buildNext(env);
  for (const name of names) {
    const [command, args] = name === "django"
      ? [python(env), ["examples/django_app.py"]]
      : COMMANDS[name];
    const own = name === "next" ? { NEXT_TELEMETRY_DISABLED: "1", PORT: String(ports.next) } : {};
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env, ...own } });
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
