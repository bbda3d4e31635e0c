/**
 * A Worker with `nodejs_compat`: postgres.js over `cloudflare:sockets`, one client per request
 * (a Worker may not reuse a socket across requests), closed after the response with `waitUntil`.
 */
import postgres from "postgres";
import { type DjangoSettings, djangoSettings } from "../../src/settings/settings.ts";
import { withSession } from "../../src/adapters/fetch.ts";
import { PostgresBackend } from "../../src/stores/postgres.ts";
import { view } from "./_view.ts";

interface Env {
  SECRET_KEY: string;
  DATABASE_URL: string;
  SCHEMA: string;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

let settings: DjangoSettings | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    settings ??= djangoSettings({ SECRET_KEY: env.SECRET_KEY });
    const sql = postgres(env.DATABASE_URL, {
      max: 1,
      fetch_types: false,
      onnotice: () => {},
      connection: { search_path: env.SCHEMA },
    });
    try {
      return await withSession({ backend: new PostgresBackend(sql, settings) }, view)(request);
    } finally {
      ctx.waitUntil(sql.end());
    }
  },
};
