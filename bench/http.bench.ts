/**
 * HTTP benchmark: withSession reading Django's PostgreSQL session under load, on Deno.serve,
 * Bun.serve and Node (@hono/node-server), against the same server doing one raw postgres.js select
 * per request, and against express + express-session + connect-pg-simple on Node.
 *
 *     node --import tsx bench/http.bench.ts        (BENCH_SECONDS=5 BENCH_RUNS=3 by default)
 *     HTTP_BENCH_SERVERS=deno,express …            (only some servers)
 *
 * bench-runtimes: node (it starts the Deno, Bun and Node servers itself)
 *
 * autocannon, 50 connections, loopback; each figure is the median of BENCH_RUNS runs, the modes of
 * one runtime interleaved so drift hits them alike. Statements per request come from
 * pg_stat_database (xact_commit + xact_rollback: each postgres.js / pg query outside a transaction
 * is one transaction) of a database only the benchmark uses, read after the server has exited so
 * its backends have flushed their counters. RSS is the server's VmRSS after 10k and 100k requests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import postgres from "postgres";
import { createSessionTable, PostgresBackend } from "../src/stores/postgres.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECRET = "django-insecure-bench";
const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test";
const DB = "bench_http";
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DB}`;
const root = fileURLToPath(new URL("../", import.meta.url));

type Runtime = "node" | "deno" | "bun" | "express";
const COMMANDS: Record<Runtime, string[]> = {
  node: [process.execPath, "--import", "tsx", "bench/http_server.ts"],
  deno: [`${root}node_modules/.bin/deno`, "run", "-A", "bench/http_server.ts"],
  bun: [`${root}node_modules/.bin/bun`, "bench/http_server.ts"],
  express: [process.execPath, "--import", "tsx", "bench/http_express.ts"],
};

interface Server {
  child: ChildProcess;
  url: string;
}

let nextPort = 18200;
/** Every server still running, so a failed run does not leave them behind. */
const running = new Set<ChildProcess>();
process.on("exit", () => running.forEach((child) => child.kill()));

async function start(runtime: Runtime, mode: string): Promise<Server> {
  const port = nextPort++;
  const [command, ...args] = COMMANDS[runtime];
  const child = spawn(command, args, {
    cwd: root,
    env: {
      ...process.env,
      MODE: mode,
      PORT: String(port),
      DATABASE_URL,
      DJANGO_SECRET_KEY: SECRET,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      if (chunk.includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`${runtime} ${mode} exited (${code})`)));
  });
  const path = runtime === "express" ? `/${mode}` : "/";
  return { child, url: `http://127.0.0.1:${port}${path}` };
}

function stop({ child }: Server): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

async function load(url: string, cookie: string, options: { duration?: number; amount?: number }) {
  const result = await autocannon({ url, connections: 50, headers: { cookie }, ...options });
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0) throw new Error(`${url}: ${failed} failed requests`);
  return result;
}

/** Guards against measuring the wrong thing: the server must see the seeded session (n = 1). */
async function check(url: string, cookie: string, mode: string): Promise<void> {
  const body = await (await fetch(url, { headers: { cookie } })).text();
  const expected = mode === "static" ? "static" : "1";
  if (body !== expected) {
    throw new Error(`${url} answered ${JSON.stringify(body)}, not ${expected}`);
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });

async function transactions(): Promise<number> {
  const [row] = await admin`SELECT pg_stat_clear_snapshot(), xact_commit + xact_rollback AS n
    FROM pg_stat_database WHERE datname = ${DB}`;
  return Number(row.n);
}

/** Statements per request: a fresh server, N requests, then the server exits (stats flushed). */
async function statementsPerRequest(runtime: Runtime, mode: string, cookie: string) {
  const server = await start(runtime, mode);
  const requests = 2000;
  const before = await transactions();
  await load(server.url, cookie, { amount: requests });
  await stop(server);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return (await transactions() - before) / requests;
}

function rss(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.unsafe(`CREATE DATABASE ${DB}`);
const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
await createSessionTable(sql);
const backend = new PostgresBackend(sql, { SECRET_KEY: SECRET });
/** A Django-format session holding { n: 1 }; its cookie header. */
async function seed(): Promise<string> {
  const session = (await backend.getSession().load()).set("n", 1);
  await session.save();
  return `sessionid=${session.key}`;
}
const cookie = await seed();
// The write runs change their own session, so the read runs keep seeing n = 1.
const writeCookie = await seed();
await sql.end();

const expressSeed = await start("express", "seed");
const seedResponse = await fetch(expressSeed.url, { method: "POST" });
const expressCookie = seedResponse.headers.get("set-cookie")!.split(";")[0];
// express-session writes the response before its save completes: wait until the session reads back.
for (let tries = 0; tries < 50; tries++) {
  const readBack = expressSeed.url.replace("/seed", "/read");
  if (await (await fetch(readBack, { headers: { cookie: expressCookie } })).text() === "1") break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await stop(expressSeed);

const rows: string[] = [];
const throughput: Record<string, number> = {};
const RUNTIMES = (process.env.HTTP_BENCH_SERVERS ?? "node,deno,bun,express").split(
  ",",
) as Runtime[];
for (const runtime of RUNTIMES) {
  const modes = runtime === "express" ? ["read", "static"] : ["raw", "read", "static"];
  const jar = runtime === "express" ? expressCookie : cookie;
  const servers = Object.fromEntries(
    await Promise.all(modes.map(async (m) => [m, await start(runtime, m)])),
  );
  const samples: Record<string, number[]> = Object.fromEntries(modes.map((m) => [m, []]));
  for (const mode of modes) {
    await check(servers[mode].url, jar, mode);
    await load(servers[mode].url, jar, { duration: 1 });
  }
  for (let run = 0; run < RUNS; run++) {
    for (const mode of modes) {
      samples[mode].push(
        (await load(servers[mode].url, jar, { duration: SECONDS })).requests.average,
      );
    }
  }
  let memory = "";
  if (runtime !== "express") {
    const read = servers.read as Server;
    await load(read.url, jar, { amount: 10_000 });
    const early = rss(read.child);
    await load(read.url, jar, { amount: 90_000 });
    memory = `RSS ${early.toFixed(0)} → ${rss(read.child).toFixed(0)} MB (10k → 100k requests)`;
  }
  await Promise.all(Object.values(servers).map((s) => stop(s as Server)));
  for (const mode of modes) {
    throughput[`${runtime}:${mode}`] = median(samples[mode]);
    const statements = await statementsPerRequest(runtime, mode, jar);
    rows.push(
      `${runtime.padEnd(8)} ${mode.padEnd(7)} ${
        median(samples[mode]).toFixed(0).padStart(7)
      } req/s` +
        `  [${samples[mode].map((s) => s.toFixed(0)).join(", ")}]  ${
          statements.toFixed(2)
        } statements/request`,
    );
  }
  if (runtime !== "express") {
    const statements = await statementsPerRequest(runtime, "write", writeCookie);
    rows.push(
      `${runtime.padEnd(8)} write   ${" ".repeat(13)}  ${statements.toFixed(2)} statements/request`,
    );
  }
  if (memory) rows.push(`${runtime.padEnd(8)} ${memory}`);
}

console.log(`\nHTTP benchmark: 50 connections, ${SECONDS}s × ${RUNS} runs (median), loopback\n`);
for (const row of rows) console.log(row);
console.log("");
for (const runtime of RUNTIMES.filter((r) => r !== "express")) {
  const ratio = throughput[`${runtime}:read`] / throughput[`${runtime}:raw`];
  console.log(
    `${runtime.padEnd(5)} withSession read / raw postgres.js select: ${
      ratio.toFixed(2)
    } (target ≥ 0.9)`,
  );
}
if (RUNTIMES.includes("node") && RUNTIMES.includes("express")) {
  const vsExpress = throughput["node:read"] / throughput["express:read"];
  const text = vsExpress.toFixed(1);
  console.log(
    `node  withSession read / express-session + connect-pg-simple: ${text}× (target ≥ 5×)`,
  );
}
await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.end();
