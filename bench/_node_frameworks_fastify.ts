/**
 * Fastify's entry for the Node framework benchmarks: our plugin, Fastify with one raw select, and
 * @fastify/session + connect-pg-simple (bench/fastify_server.ts in its three modes).
 */
import { framework } from "./_bench_server.ts";

/** `{ name, ours(port), raw(port), baseline(port) }` for Fastify. */
export const fastify = framework("fastify", "bench/fastify_server.ts");
