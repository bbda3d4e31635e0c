/**
 * Fetch-style adapters under load (bench/_frameworks.ts lists them): `withSession` on Deno.serve,
 * Bun.serve and Node (@hono/node-server), Hono and h3 on each runtime, Oak on Deno and Node, Elysia
 * on Bun — each reading a
 * Django session from PostgreSQL against the same server doing one raw postgres.js select per
 * request (target ≥ 0.9×). How it measures: bench/_framework_load.ts; the servers:
 * bench/fetch_server.ts.
 *
 *     node --import tsx bench/fetch_frameworks.bench.ts   (BENCH_SECONDS=5 BENCH_RUNS=3 by default)
 *     FETCH_FRAMEWORKS=hono/deno,withSession/node …       (only some)
 *
 * Each row is printed as soon as it is measured; all twelve take about 4 minutes at
 * BENCH_SECONDS=2 BENCH_RUNS=1, 10 at 3 × 3 (~14 s a framework besides its timed runs).
 *
 * bench-runtimes: node (it starts the servers itself)
 */
import { FETCH_FRAMEWORKS } from "./_frameworks.ts";
import { runFrameworks } from "./_framework_load.ts";

await runFrameworks(
  "Fetch-style frameworks",
  FETCH_FRAMEWORKS,
  process.env.FETCH_FRAMEWORKS?.split(","),
  { database: "bench_fetch_frameworks", firstPort: 18700 },
);
