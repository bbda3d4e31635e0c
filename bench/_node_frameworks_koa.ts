/**
 * Koa's entry for the Node framework benchmarks: our middleware, Koa with one raw select, and
 * koa-session with a PostgreSQL store (bench/koa_server.ts in its three modes).
 */
import { framework } from "./_bench_server.ts";

/** `{ name, ours(port), raw(port), baseline(port) }` for Koa. */
export const koa = framework("koa", "bench/koa_server.ts");
