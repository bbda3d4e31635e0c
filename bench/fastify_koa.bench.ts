/**
 * Fastify and Koa adapters under load, in one run: our adapter reading a Django session from
 * PostgreSQL against the same framework doing one raw postgres.js select per request (goal ≥ 0.9×)
 * and against the framework's usual session library on the same PostgreSQL (Fastify:
 * @fastify/session + connect-pg-simple; Koa: koa-session with a PostgreSQL store; goal ≥ 5×).
 *
 *     node --import tsx bench/fastify_koa.bench.ts   (BENCH_SECONDS=5 BENCH_RUNS=3 by default)
 *     NODE_FRAMEWORKS=koa …                         (only some frameworks)
 *
 * bench-runtimes: node (it starts the servers itself)
 *
 * autocannon, 50 connections, loopback; each figure is the median of BENCH_RUNS runs, the servers of
 * one framework interleaved so drift hits them alike. Statements per request come from
 * pg_stat_database (xact_commit + xact_rollback: each query outside a transaction is one) of a
 * database only this benchmark uses, read after the server exited so its counters are flushed:
 * 0 for a route that never touches the session, 1 for a read, 2 for a changed save. RSS is our
 * server's after 10k and after 100k requests. Server CPU per request (user + system time of the
 * server process over a run, from /proc) gives the same ratios without the other processes of a
 * shared machine in them.
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import postgres from "postgres";
import { createSessionTable, PostgresBackend } from "../src/stores/postgres.ts";
import { freePort } from "../examples/_launch.ts";
import { type Framework, type Server, SERVER_ENV } from "./_bench_server.ts";
import { fastify } from "./_node_frameworks_fastify.ts";
import { koa } from "./_node_frameworks_koa.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DB = new URL(SERVER_ENV.DATABASE_URL).pathname.slice(1);
const admin = postgres("postgres://postgres@127.0.0.1:5432/test", { max: 1, onnotice: () => {} });

/** A port the OS just found free (other benchmarks and servers share this machine). */
const port = freePort;

async function load(url: string, cookie: string, options: { duration?: number; amount?: number }) {
  const result = await autocannon({ url, connections: 50, headers: { cookie }, ...options });
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0) {
    const { errors, timeouts, non2xx, statusCodeStats } = result;
    const detail = JSON.stringify({ errors, timeouts, non2xx, statusCodeStats });
    throw new Error(`${url}: ${failed} failed requests ${detail}`);
  }
  return { rate: result.requests.average, requests: result.requests.total };
}

/** The server process's CPU time so far (user + system), in µs: robust to a busy machine. */
function cpuMicros(server: Server): number {
  const fields = readFileSync(`/proc/${server.child.pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  return ticks * 10_000; // 100 ticks per second
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
  await load(server.url + path, cookie, { amount: requests });
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
  const server = await framework.baseline(await port());
  const seeded = await fetch(`${server.url}/seed`, { method: "POST" });
  const cookie = seeded.headers.get("set-cookie")!.split(";")[0];
  for (let tries = 0; tries < 50; tries++) {
    if (await (await fetch(`${server.url}/read`, { headers: { cookie } })).text() === "1") break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop();
  return cookie;
}

/** The throughput rows of one framework, its ratios, statements per request and RSS. */
async function measure(framework: Framework, cookies: Record<string, string>): Promise<string[]> {
  const servers = {
    ours: await framework.ours(await port()),
    raw: await framework.raw(await port()),
    baseline: await framework.baseline(await port()),
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
  const cpu: Record<string, number[]> = {};
  for (const [mode, server, path, cookie, expected] of modes) {
    await check(server.url + path, cookie, expected);
    await load(server.url + path, cookie, { duration: 1 });
    samples[mode] = [];
    cpu[mode] = [];
  }
  for (let run = 0; run < RUNS; run++) {
    for (const [mode, server, path, cookie] of modes) {
      const start = cpuMicros(server);
      const { rate, requests } = await load(server.url + path, cookie, { duration: SECONDS });
      samples[mode].push(rate);
      cpu[mode].push((cpuMicros(server) - start) / requests);
    }
  }
  await load(`${servers.ours.url}/read`, cookies.ours, { amount: 10_000 });
  const early = servers.ours.rss();
  await load(`${servers.ours.url}/read`, cookies.ours, { amount: 90_000 });
  const late = servers.ours.rss();
  await Promise.all(Object.values(servers).map((server) => server.stop()));

  const rate = (mode: string) => median(samples[mode]);
  const micros = (mode: string) => median(cpu[mode]);
  const name = framework.name.padEnd(8);
  const rows = modes.map(([mode]) =>
    `${name} ${mode.padEnd(16)} ${rate(mode).toFixed(0).padStart(7)} req/s  [${
      samples[mode].map((s) => s.toFixed(0)).join(", ")
    }]  ${micros(mode).toFixed(0).padStart(5)} µs server CPU/request`
  );
  const paths = [["/static", cookies.ours], ["/read", cookies.ours], ["/write", cookies.write]];
  for (const [path, cookie] of paths) {
    const perRequest = await statements(async () => framework.ours(await port()), path, cookie);
    rows.push(`${name} ours ${path.padEnd(11)} ${perRequest.toFixed(2)} statements/request`);
  }
  const ratio = (a: string, b: string) => rate(a) / rate(b);
  // The same ratios from server CPU per request (b's cost / a's): what the throughput would be on
  // a machine of its own, where the request rate is bound by the server's CPU.
  const byCpu = (a: string, b: string) => (micros(b) / micros(a)).toFixed(2);
  rows.push(
    `${name} ours RSS ${early.toFixed(0)} → ${late.toFixed(0)} MB (10k → 100k requests)`,
    `${name} ours read / raw select: ${ratio("ours read", "raw select").toFixed(2)} req/s, ` +
      `${byCpu("ours read", "raw select")} by CPU (goal ≥ 0.9)`,
    `${name} ours static / raw static: ${ratio("ours static", "raw static").toFixed(2)} req/s, ` +
      `${byCpu("ours static", "raw static")} by CPU`,
    `${name} ours read / baseline read: ${
      ratio("ours read", "baseline read").toFixed(1)
    }× req/s, ` +
      `${byCpu("ours read", "baseline read")}× by CPU (goal ≥ 5×)`,
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
for (const framework of [fastify, koa].filter((f) => !only || only.includes(f.name))) {
  rows.push(
    ...await measure(framework, { ...ourCookies, baseline: await seedBaseline(framework) }),
  );
}
console.log(`\nFastify and Koa: 50 connections, ${SECONDS}s × ${RUNS} runs (median), loopback\n`);
for (const row of rows) console.log(row);
await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.end();
