/**
 * The load runs of bench/node_frameworks.bench.ts and bench/fetch_frameworks.bench.ts: for each
 * framework, our adapter reading a Django session from PostgreSQL against the same framework doing
 * one raw postgres.js select per request (target ≥ 0.9×) and, where the framework has one, against
 * its usual session library on the same PostgreSQL (target ≥ 5×).
 *
 * autocannon, 50 connections, loopback; each figure is the median of BENCH_RUNS runs, the servers of
 * one framework interleaved so drift hits them alike. The raw select serves exactly as many reads as
 * ours did in the run just before (and in the warm-up): postgres.js 3.4's pool queue keeps a hole for
 * every connection it hands out, so its per-query CPU grows with the queries a process has served
 * (44 → 62 µs over 160k queries here), and a server that served more would be slowed more. A rate
 * is a run's requests ÷ its duration. Statements per request come from
 * pg_stat_database (xact_commit + xact_rollback: each query outside a transaction is one) of a
 * database only the benchmark uses, read after the server exited so its counters are flushed:
 * 0 for a route that never touches the session, 1 for a read, 2 for a changed save. RSS is the
 * `ours` server's after its warm-up and after the timed runs (the row says how many requests it had
 * served). Each row is printed as soon as it is measured, the ratios with the load average then.
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import postgres from "postgres";
import { PostgresBackend } from "../src/stores/postgres.ts";
import { createSessionTable } from "../src/stores/postgres.ts";
import { type Framework, type Server, SERVER_ENV } from "./_frameworks.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test";
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
/** The benchmark's own database (set by runFrameworks), so that two benchmarks never share one. */
let DB = "";

let nextPort = 0;
const port = () => nextPort++;

async function load(
  url: string,
  cookie: string,
  options: { duration?: number; amount?: number; connections?: number },
) {
  // autocannon ends a run on a sample tick only: ticks of 20 ms keep a run of `amount` requests
  // from lasting up to a second more than it took.
  const result = await autocannon({
    url,
    connections: 50,
    headers: { cookie },
    sampleInt: 20,
    ...options,
  });
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

/** Statements per request on a server that has served none: N requests, then it exits. */
async function statements(server: Server, path: string, cookie: string) {
  const requests = 1000;
  const before = await transactions();
  // Fewer connections: fifty writes queueing on one row can outlast autocannon's timeout here.
  await load(server.url + path, cookie, { amount: requests, connections: 10 });
  await server.stop();
  // Its backends flush their statistics as they exit.
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
  const server = await framework.baseline!(port());
  const seeded = await fetch(`${server.url}/seed`, { method: "POST" });
  const cookie = seeded.headers.get("set-cookie")!.split(";")[0];
  for (let tries = 0; tries < 50; tries++) {
    if (await (await fetch(`${server.url}/read`, { headers: { cookie } })).text() === "1") break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop();
  return cookie;
}

/**
 * One measured mode: its label, server, path, cookie, the body it must answer, and the mode whose
 * request count each of its runs repeats.
 */
type Mode = [string, Server, string, string, string, string?];

/** A run of `mode`: as many requests as its paired mode's last run, else `seconds` long. */
async function runMode(
  [mode, server, path, cookie, , paired]: Mode,
  seconds: number,
  served: Record<string, number>,
) {
  const result = await load(
    server.url + path,
    cookie,
    paired ? { amount: served[paired] } : { duration: seconds },
  );
  served[mode] = result.requests.total;
  return { total: result.requests.total, rate: result.requests.total / result.duration };
}

/** The framework's servers, started together. */
async function startAll(framework: Framework): Promise<Record<string, Server>> {
  const [ours, raw, baseline] = await Promise.all([
    framework.ours(port()),
    framework.raw(port()),
    framework.baseline?.(port()),
  ]);
  return baseline ? { ours, raw, baseline } : { ours, raw };
}

function modesOf(servers: Record<string, Server>, cookies: Record<string, string>): Mode[] {
  const modes: Mode[] = [
    ["ours read", servers.ours, "/read", cookies.ours, "1"],
    ["raw select", servers.raw, "/read", cookies.ours, "1", "ours read"],
    ["ours static", servers.ours, "/static", cookies.ours, "static"],
    ["raw static", servers.raw, "/static", cookies.ours, "static"],
  ];
  if (servers.baseline) {
    modes.push(
      ["baseline read", servers.baseline, "/read", cookies.baseline, "1"],
      ["baseline static", servers.baseline, "/static", cookies.baseline, "static"],
    );
  }
  return modes;
}

/** What the timed runs give: req/s of each run and the server's CPU time, per mode. */
interface Runs {
  samples: Record<string, number[]>;
  cpu: Record<string, { ms: number; requests: number }>;
}

/** RUNS rounds of every mode in turn, so that drift hits them alike. */
async function timedRuns(modes: Mode[]): Promise<Runs> {
  const runs: Runs = { samples: {}, cpu: {} };
  for (const [mode] of modes) {
    runs.samples[mode] = [];
    runs.cpu[mode] = { ms: 0, requests: 0 };
  }
  const served: Record<string, number> = {};
  for (let run = 0; run < RUNS; run++) {
    for (const each of modes) {
      const [mode, server] = each;
      const before = server.cpu();
      const { total, rate } = await runMode(each, SECONDS, served);
      runs.cpu[mode].ms += server.cpu() - before;
      runs.cpu[mode].requests += total;
      runs.samples[mode].push(rate);
    }
  }
  return runs;
}

/** The rows of the timed runs: each mode's median and CPU per request, then the ratios. */
function rateRows(name: string, modes: Mode[], { samples, cpu }: Runs): string[] {
  const rate = (mode: string) => median(samples[mode]);
  // The server's CPU time per request: steadier than req/s on a machine shared with other work.
  const cpuPerRequest = (mode: string) => 1000 * cpu[mode].ms / cpu[mode].requests;
  const rows = modes.map(([mode]) =>
    `${name} ${mode.padEnd(16)} ${rate(mode).toFixed(0).padStart(7)} req/s  [${
      samples[mode].map((s) => s.toFixed(0)).join(", ")
    }]  ${cpuPerRequest(mode).toFixed(0).padStart(4)} µs CPU/request`
  );
  rows.push(
    `${name} ours read / raw select: ${
      (rate("ours read") / rate("raw select")).toFixed(2)
    } (target ≥ 0.9), load average ${loadAverage()}`,
    `${name} raw select / ours read, CPU per request: ${
      (cpuPerRequest("raw select") / cpuPerRequest("ours read")).toFixed(2)
    }`,
  );
  if (!samples["baseline read"]) return rows;
  rows.push(
    `${name} ours read / baseline read: ${
      (rate("ours read") / rate("baseline read")).toFixed(1)
    }× (target ≥ 5×)`,
    `${name} baseline read / ours read, CPU per request: ${
      (cpuPerRequest("baseline read") / cpuPerRequest("ours read")).toFixed(1)
    }×`,
  );
  return rows;
}

/** The 1-minute load average, which says how much else the machine was doing. */
const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ")[0];

/** Statements per request of each route, each on a fresh `ours` server that then exits. */
async function statementRows(
  name: string,
  counting: Server[],
  cookies: Record<string, string>,
): Promise<void> {
  const routes: [string, string][] = [
    ["/static", cookies.ours],
    ["/read", cookies.ours],
    ["/write", cookies.write],
  ];
  for (const [i, [path, cookie]] of routes.entries()) {
    const perRequest = await statements(counting[i], path, cookie);
    console.log(`${name} ours ${path.padEnd(11)} ${perRequest.toFixed(2)} statements/request`);
  }
}

/**
 * Measures one framework, printing each row as soon as it is known: the timed runs, the RSS of
 * `ours` over them, then statements per request. The servers that count statements start during
 * the warm-up, whose figures are thrown away.
 */
async function measure(
  framework: Framework,
  cookies: Record<string, string>,
  width: number,
): Promise<void> {
  const name = framework.name.padEnd(width);
  const servers = await startAll(framework);
  const counting = Promise.all([0, 1, 2].map(() => framework.ours(port())));
  const modes = modesOf(servers, cookies);
  let warmed = 0;
  const warmUp: Record<string, number> = {};
  for (const each of modes) {
    const [, server, path, cookie, expected] = each;
    await check(server.url + path, cookie, expected);
    const { total } = await runMode(each, 1, warmUp);
    if (server === servers.ours) warmed += total;
  }
  const counters = await counting;
  const early = servers.ours.rss();
  const runs = await timedRuns(modes);
  const late = servers.ours.rss();
  for (const row of rateRows(name, modes, runs)) console.log(row);
  const served = runs.cpu["ours read"].requests + runs.cpu["ours static"].requests;
  console.log(
    `${name} ours RSS ${early.toFixed(0)} → ${late.toFixed(0)} MB (after ${
      (warmed / 1000).toFixed(0)
    }k → ${((warmed + served) / 1000).toFixed(0)}k requests)`,
  );
  await Promise.all(Object.values(servers).map((server) => server.stop()));
  // The stopped servers' backends flush their statistics as they exit.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await statementRows(name, counters, cookies);
}

/**
 * Measures each framework (those `only` names, when given) and prints the table.
 *
 * @param title the table's heading
 * @param frameworks the frameworks
 * @param only the names to measure, or undefined for all
 * @param where the benchmark's own database and first port
 */
export async function runFrameworks(
  title: string,
  frameworks: Framework[],
  only: string[] | undefined,
  { database, firstPort }: { database: string; firstPort: number },
): Promise<void> {
  DB = database;
  nextPort = firstPort;
  SERVER_ENV.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${database}`;
  await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${DB}`);
  const sql = postgres(SERVER_ENV.DATABASE_URL, { max: 1, onnotice: () => {} });
  await createSessionTable(sql);
  const backend = new PostgresBackend(sql, { SECRET_KEY: SERVER_ENV.DJANGO_SECRET_KEY });
  // The write runs change their own session, so the read runs keep seeing n = 1.
  const ourCookies = { ours: await seedOurs(backend), write: await seedOurs(backend) };
  await sql.end();

  const chosen = frameworks.filter((f) => !only || only.includes(f.name));
  const width = Math.max(...chosen.map((f) => f.name.length)) + 1;
  console.log(`\n${title}: 50 connections, ${SECONDS}s × ${RUNS} runs (median), loopback\n`);
  for (const framework of chosen) {
    const baseline = framework.baseline ? await seedBaseline(framework) : "";
    await measure(framework, { ...ourCookies, baseline }, width);
  }
  await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
}
