/**
 * Node framework adapters under load (bench/_frameworks.ts lists them): for each framework, our
 * adapter reading a Django session from PostgreSQL against the same framework doing one raw
 * postgres.js select per request (target ≥ 0.9×) and against the framework's usual session library
 * on the same PostgreSQL (Express: express-session + connect-pg-simple, Fastify: @fastify/session,
 * Koa: koa-session; target ≥ 5×). How it measures: bench/_framework_load.ts.
 *
 *     node --import tsx bench/node_frameworks.bench.ts   (BENCH_SECONDS=5 BENCH_RUNS=3 by default)
 *     NODE_FRAMEWORKS=express …                          (only some frameworks)
 *
 * bench-runtimes: node (it starts the servers itself)
 */
import { NODE_FRAMEWORKS } from "./_frameworks.ts";
import { runFrameworks } from "./_framework_load.ts";

await runFrameworks("Node frameworks", NODE_FRAMEWORKS, process.env.NODE_FRAMEWORKS?.split(","), {
  database: "bench_frameworks",
  firstPort: 18400,
});
