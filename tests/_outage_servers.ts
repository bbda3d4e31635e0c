/**
 * Database servers a test starts on a port of its own, kills (SIGKILL, as a crash) and starts again
 * on the same port and data directory: Redis (append-only file, fsync on every write, so its keys
 * survive the kill), PostgreSQL (`initdb` once) and MariaDB (`mariadbd --datadir`). The machine's
 * own services on the default ports are never touched.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on("error", reject);
  });
}

/** Resolves once something accepts TCP connections on `port`. */
async function listening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      }).on("error", () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}: ${log()}`);
}

/**
 * Whether PostgreSQL answers a new connection on `port` (`pg_isready`), asked without blocking the
 * event loop, so that a client's connections read meanwhile what the server sends them.
 */
async function isReady(port: number): Promise<boolean> {
  const args = ["-q", "-h", "127.0.0.1", "-p", String(port)];
  const probe = spawn("/usr/lib/postgresql/15/bin/pg_isready", args, { stdio: "ignore" });
  return await new Promise((resolve) => probe.once("exit", resolve)) === 0;
}

/** One server process: `start()` (again after `kill()`), `kill()`, `remove()` at the end. */
export class OutageServer {
  #child: ChildProcess | null = null;
  #log = "";
  readonly dir: string;

  private constructor(
    readonly kind: "redis" | "postgres" | "mariadb",
    readonly port: number,
    private readonly command: (dir: string) => [string, string[]],
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `outage-${kind}-`));
  }

  /**
   * Starts (or restarts) the server and waits until it accepts connections; tries again while a
   * killed predecessor's children still hold its lock (PostgreSQL's backends outlive a SIGKILL of
   * the postmaster by a moment).
   */
  async start(): Promise<void> {
    for (let attempt = 1;; attempt++) {
      try {
        return await this.#startOnce();
      } catch (error) {
        if (attempt === 25) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  async #startOnce(): Promise<void> {
    const [file, args] = this.command(this.dir);
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer) => this.#log = (this.#log + chunk).slice(-4000);
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    this.#child = child;
    await listening(this.port, child, () => this.#log);
    // PostgreSQL listens while it still recovers ("the database system is starting up").
    await this.#answering();
  }

  /** Resolves once PostgreSQL answers a new connection (at once for the other servers). */
  async #answering(): Promise<void> {
    while (this.kind === "postgres" && !(await isReady(this.port))) {
      if (this.#child?.exitCode !== null) throw new Error(`server exited: ${this.#log}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Kills the server at once (SIGKILL) and waits for it to be gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => {
      child.once("exit", resolve);
      this.#signal("SIGKILL");
    });
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as in a hung host. */
  async freeze(): Promise<void> {
    const pids = this.#signal("SIGSTOP");
    // The signal is delivered asynchronously: a thread busy elsewhere may still answer a query
    // sent right away. Wait until every thread of every process is stopped ("T" in its stat).
    const stopped = (pid: number) =>
      readdirSync(`/proc/${pid}/task`).every((task) =>
        /^\d+ \(.*\) T /.test(readFileSync(`/proc/${pid}/task/${task}/stat`, "utf8"))
      );
    while (!pids.every((pid) => stopped(pid))) await new Promise((r) => setTimeout(r, 10));
  }

  /**
   * Lets a frozen server run again (SIGCONT) and, as `start()` does, waits until PostgreSQL answers
   * a new connection. Without that wait, on Bun, the first query after SIGCONT could go to a
   * postgres.js connection opened that very millisecond, whose answer Bun read off the socket
   * (nothing left in its receive queue, the backend idle) and never handed to postgres.js, which
   * waited out `connect_timeout` (seen 1 run in 5 with the CPU saturated, never on Deno or Node).
   */
  async thaw(): Promise<void> {
    this.#signal("SIGCONT");
    await this.#answering();
  }

  /**
   * Signals the server and its children by process id (PostgreSQL's backends each lead a process
   * group of their own, so the group alone would miss them).
   */
  #signal(signal: NodeJS.Signals): number[] {
    const child = this.#child;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return [];
    const children = spawnSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" }).stdout;
    const signalled: number[] = [];
    for (const pid of [child.pid, ...children.split("\n").filter(Boolean).map(Number)]) {
      try {
        process.kill(pid, signal);
        signalled.push(pid);
      } catch {
        // a backend that exited meanwhile
      }
    }
    return signalled;
  }

  /** Kills the server and deletes its data directory. */
  async remove(): Promise<void> {
    this.#signal("SIGCONT");
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Redis with an append-only file synced on every write. */
  static async redis(): Promise<OutageServer> {
    const port = await freePort();
    const server = new OutageServer("redis", port, (dir) => [
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
      ],
    ]);
    return server;
  }

  /**
   * PostgreSQL in a fresh `initdb` cluster (user `postgres`, trust), database `postgres`. It runs
   * as the `postgres` system user (PostgreSQL refuses root) through `setpriv`, which execs, so the
   * process killed is the postmaster itself.
   */
  static async postgres(): Promise<OutageServer> {
    const port = await freePort();
    const bin = "/usr/lib/postgresql/15/bin";
    const asPostgres = ["--reuid=postgres", "--regid=postgres", "--init-groups", "--"];
    const server = new OutageServer("postgres", port, (dir) => [
      "setpriv",
      [
        ...asPostgres,
        `${bin}/postgres`,
        "-D",
        join(dir, "data"),
        "-p",
        String(port),
        "-h",
        "127.0.0.1",
        "-k",
        dir,
      ],
    ]);
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
    chownSync(server.dir, uid, gid);
    chmodSync(server.dir, 0o700);
    execFileSync("setpriv", [
      ...asPostgres,
      `${bin}/initdb`,
      "-D",
      join(server.dir, "data"),
      "-U",
      "postgres",
      "-A",
      "trust",
    ], { stdio: "ignore" });
    return server;
  }

  /** MariaDB in a fresh data directory (root without password over TCP), database `test`. */
  static async mariadb(): Promise<OutageServer> {
    const port = await freePort();
    const server = new OutageServer("mariadb", port, (dir) => [
      "mariadbd",
      [
        "--no-defaults",
        `--datadir=${join(dir, "data")}`,
        `--port=${port}`,
        "--bind-address=127.0.0.1",
        `--socket=${join(dir, "sock")}`,
        "--skip-grant-tables",
        `--pid-file=${join(dir, "pid")}`,
        "--innodb-flush-log-at-trx-commit=1",
        "--user=root",
      ],
    ]);
    execFileSync("mariadb-install-db", [
      "--no-defaults",
      `--datadir=${join(server.dir, "data")}`,
      "--auth-root-authentication-method=normal",
      "--user=root",
    ], { stdio: "ignore" });
    return server;
  }
}
