/**
 * Node framework adapters under load (bench/_node_frameworks.ts lists them): for each framework,
 * our adapter reading a Django session from PostgreSQL against the same framework doing one raw
 * postgres.js select per request (target ≥ 0.9×) and against the framework's usual session library
 * on the same PostgreSQL (Express: express-session + connect-pg-simple; target ≥ 5×).
 *
 *     node --import tsx bench/node_frameworks.bench.ts   (BENCH_SECONDS=5 BENCH_RUNS=3 by default)
 *     NODE_FRAMEWORKS=express …                          (only some frameworks)
 *     BENCH_DATABASE_URL=… BENCH_PORT=…                  (beside another checkout's run)
 *
 * bench-runtimes: node (it starts the servers itself)
 *
 * autocannon, 50 connections, loopback; each figure is the median of BENCH_RUNS runs, the servers of
 * one framework interleaved so drift hits them alike. Statements per request come from
 * pg_stat_database (xact_commit + xact_rollback: each query outside a transaction is one) of a
 * database only this benchmark uses, read after the server exited so its counters are flushed:
 * 0 for a route that never touches the session, 1 for a read, 2 for a changed save. RSS is the
 * server's after 10k and after 100k requests.
 */
import autocannon from "autocannon";
import postgres from "postgres";
import { PostgresBackend } from "../src/stores/postgres.ts";
import { createSessionTable } from "../src/stores/postgres.ts";
import { type Framework, FRAMEWORKS, type Server, SERVER_ENV } from "./_node_frameworks.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test";
const DB = new URL(SERVER_ENV.DATABASE_URL).pathname.slice(1);
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });

let nextPort = Number(process.env.BENCH_PORT ?? 18400);
const port = () => nextPort++;

async function load(
  url: string,
  cookie: string,
  options: { duration?: number; amount?: number; connections?: number },
) {
  const result = await autocannon({ url, connections: 50, headers: { cookie }, ...options });
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0) throw new Error(`${url}: ${failed} failed requests`);
  return result;
}

/** Guards against measuring the wrong thing: the server must see the seeded session (n = 1). */
async function check(url: string, cookie: string, expected: string): Promise<void> {
  const body = await (await fetch(url, { headers: { cookie } })).text();
  if (body !== expected) {
    throw new Error(`${url} answered ${JSON.stringify(body)}, not ${expected}`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function transactions(): Promise<number> {
  const [row] = await admin`SELECT pg_stat_clear_snapshot(), xact_commit + xact_rollback AS n
    FROM pg_stat_database WHERE datname = ${DB}`;
  return Number(row.n);
}

/** Statements per request on a fresh server: N requests, then the server exits (stats flushed). */
async function statements(start: () => Promise<Server>, path: string, cookie: string) {
  const server = await start();
  const requests = 2000;
  const before = await transactions();
  // Fewer connections: fifty writes queueing on one row can outlast autocannon's timeout here.
  await load(server.url + path, cookie, { amount: requests, connections: 10 });
  await server.stop();
  await new Promise((resolve) => setTimeout(resolve, 500));
  return (await transactions() - before) / requests;
}

/** A Django-format session holding { n: 1 }; its cookie header. */
async function seedOurs(backend: PostgresBackend): Promise<string> {
  const session = (await backend.getSession().load()).set("n", 1);
  await session.save();
  return `sessionid=${session.key}`;
}

/** The baseline's own session with n = 1 (its library may answer before its save completes). */
async function seedBaseline(framework: Framework): Promise<string> {
  const server = await framework.baseline(port());
  const seeded = await fetch(`${server.url}/seed`, { method: "POST" });
  const cookie = seeded.headers.get("set-cookie")!.split(";")[0];
  for (let tries = 0; tries < 50; tries++) {
    if (await (await fetch(`${server.url}/read`, { headers: { cookie } })).text() === "1") break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop();
  return cookie;
}

async function measure(framework: Framework, cookies: Record<string, string>): Promise<string[]> {
  const servers = {
    ours: await framework.ours(port()),
    raw: await framework.raw(port()),
    baseline: await framework.baseline(port()),
  };
  const modes: [string, Server, string, string, string][] = [
    ["ours read", servers.ours, "/read", cookies.ours, "1"],
    ["raw select", servers.raw, "/read", cookies.ours, "1"],
    ["baseline read", servers.baseline, "/read", cookies.baseline, "1"],
    ["ours static", servers.ours, "/static", cookies.ours, "static"],
    ["raw static", servers.raw, "/static", cookies.ours, "static"],
    ["baseline static", servers.baseline, "/static", cookies.baseline, "static"],
  ];
  const samples: Record<string, number[]> = {};
  // The server's CPU time per request: steadier than req/s on a machine shared with other work.
  const cpu: Record<string, { ms: number; requests: number }> = {};
  for (const [mode, server, path, cookie, expected] of modes) {
    await check(server.url + path, cookie, expected);
    await load(server.url + path, cookie, { duration: 1 });
    samples[mode] = [];
    cpu[mode] = { ms: 0, requests: 0 };
  }
  for (let run = 0; run < RUNS; run++) {
    for (const [mode, server, path, cookie] of modes) {
      const before = server.cpu();
      const result = await load(server.url + path, cookie, { duration: SECONDS });
      cpu[mode].ms += server.cpu() - before;
      cpu[mode].requests += result.requests.total;
      samples[mode].push(result.requests.average);
    }
  }
  await load(`${servers.ours.url}/read`, cookies.ours, { amount: 10_000 });
  const early = servers.ours.rss();
  await load(`${servers.ours.url}/read`, cookies.ours, { amount: 90_000 });
  const late = servers.ours.rss();
  await Promise.all(Object.values(servers).map((server) => server.stop()));

  const rate = (mode: string) => median(samples[mode]);
  const { name } = framework;
  const cpuPerRequest = (mode: string) => 1000 * cpu[mode].ms / cpu[mode].requests;
  const rows = modes.map(([mode]) =>
    `${name.padEnd(8)} ${mode.padEnd(16)} ${rate(mode).toFixed(0).padStart(7)} req/s  [${
      samples[mode].map((s) => s.toFixed(0)).join(", ")
    }]  ${cpuPerRequest(mode).toFixed(0).padStart(4)} µs CPU/request`
  );
  const routes: [string, string][] = [
    ["/static", cookies.ours],
    ["/read", cookies.ours],
    ["/write", cookies.write],
  ];
  for (const [path, cookie] of routes) {
    const perRequest = await statements(() => framework.ours(port()), path, cookie);
    rows.push(
      `${name.padEnd(8)} ours ${path.padEnd(11)} ${perRequest.toFixed(2)} statements/request`,
    );
  }
  rows.push(
    `${name.padEnd(8)} ours RSS ${early.toFixed(0)} → ${late.toFixed(0)} MB (10k → 100k requests)`,
  );
  rows.push(
    `${name.padEnd(8)} ours read / raw select: ${
      (rate("ours read") / rate("raw select")).toFixed(2)
    }` +
      ` (target ≥ 0.9)`,
    `${name.padEnd(8)} raw select / ours read, CPU per request: ${
      (cpuPerRequest("raw select") / cpuPerRequest("ours read")).toFixed(2)
    }`,
    `${name.padEnd(8)} ours read / baseline read: ${
      (rate("ours read") / rate("baseline read")).toFixed(1)
    }× (target ≥ 5×)`,
    `${name.padEnd(8)} baseline read / ours read, CPU per request: ${
      (cpuPerRequest("baseline read") / cpuPerRequest("ours read")).toFixed(1)
    }×`,
  );
  return rows;
}

await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.unsafe(`CREATE DATABASE ${DB}`);
const sql = postgres(SERVER_ENV.DATABASE_URL, { max: 1, onnotice: () => {} });
await createSessionTable(sql);
const backend = new PostgresBackend(sql, { SECRET_KEY: SERVER_ENV.DJANGO_SECRET_KEY });
// The write runs change their own session, so the read runs keep seeing n = 1.
const ourCookies = { ours: await seedOurs(backend), write: await seedOurs(backend) };
await sql.end();

const only = process.env.NODE_FRAMEWORKS?.split(",");
const rows: string[] = [];
for (const framework of FRAMEWORKS.filter((f) => !only || only.includes(f.name))) {
  const cookies = { ...ourCookies, baseline: await seedBaseline(framework) };
  rows.push(...await measure(framework, cookies));
}
console.log(`\nNode frameworks: 50 connections, ${SECONDS}s × ${RUNS} runs (median), loopback\n`);
for (const row of rows) console.log(row);
await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.end();
