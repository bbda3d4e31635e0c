/**
 * Koa for bench/node_frameworks.bench.ts, in one MODE:
 * - `ours`: the djangoSession middleware, `/static`, `/read` (answers the Django session's `n`),
 *   `/write` (changes it; the middleware saves it);
 * - `raw`: no session layer, `/read` does one postgres.js select of the session row;
 * - `baseline`: koa-session with an external store on the same PostgreSQL (pg, one row per session
 *   as connect-pg-simple keeps them), `POST /seed` (n = 1), `/read`, `/static`.
 * Environment: MODE, PORT, DATABASE_URL, DJANGO_SECRET_KEY. Prints "ready" once listening.
 */
import Koa from "koa";
import postgres from "postgres";
import { djangoSession } from "../src/adapters/koa.ts";
import { sessionKeyOfHeader } from "../src/http/mod.ts";
import { PostgresBackend } from "../src/stores/postgres.ts";

const { MODE = "ours", PORT = "8100", DATABASE_URL, DJANGO_SECRET_KEY = "bench" } = process.env;
const text = (
  ctx: Koa.Context,
  body: unknown,
) => (ctx.type = "text/plain", ctx.body = String(body));

async function baseline(): Promise<Pick<Koa, "listen">> {
  const { default: session } = await import("koa-session");
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
  await pool.query(`CREATE TABLE IF NOT EXISTS koa_session
    (sid text PRIMARY KEY, sess json NOT NULL, expire timestamptz NOT NULL)`);
  const store = {
    async get(key: string) {
      const { rows } = await pool.query(
        "SELECT sess FROM koa_session WHERE sid = $1 AND expire > now()",
        [key],
      );
      return rows[0]?.sess;
    },
    async set(key: string, sess: unknown, maxAge: number | "session" | undefined) {
      const ms = typeof maxAge === "number" ? maxAge : 86_400_000;
      await pool.query(
        `INSERT INTO koa_session VALUES ($1, $2, now() + $3 * interval '1 millisecond')
         ON CONFLICT (sid) DO UPDATE SET sess = $2, expire = EXCLUDED.expire`,
        [key, JSON.stringify(sess), ms],
      );
    },
    async destroy(key: string) {
      await pool.query("DELETE FROM koa_session WHERE sid = $1", [key]);
    },
  };
  const app = new Koa();
  // One unsigned cookie, as the other servers send (a signed one would add a second).
  app.use(session({ store, signed: false, maxAge: 1209600_000 }, app));
  app.use((ctx) => {
    if (ctx.path === "/seed") return (ctx.session!.n = 1, text(ctx, "seeded"));
    if (ctx.path === "/read") return text(ctx, ctx.session!.n);
    if (ctx.path === "/static") return text(ctx, "static");
  });
  return app;
}

function ours(): Pick<Koa, "listen"> {
  const sql = postgres(DATABASE_URL!, { max: 10, onnotice: () => {} });
  const backend = new PostgresBackend(sql, { SECRET_KEY: DJANGO_SECRET_KEY });
  if (MODE === "raw") {
    return new Koa().use(async (ctx) => {
      if (ctx.path === "/static") return text(ctx, "static");
      const key = sessionKeyOfHeader(ctx.get("cookie"), backend.settings) ?? "";
      const rows = await sql`SELECT session_data FROM django_session
        WHERE session_key = ${key} AND expire_date > now()`;
      text(ctx, rows.length);
    });
  }
  return new Koa().use(djangoSession({ backend })).use(async (ctx) => {
    if (ctx.path === "/static") return text(ctx, "static");
    const session = await ctx.session.load();
    if (ctx.path === "/write") session.set("n", (Number(session.get("n")) || 0) + 1);
    text(ctx, session.get("n"));
  });
}

const app = MODE === "baseline" ? await baseline() : ours();
app.listen(Number(PORT), "127.0.0.1", () => console.log("ready"));
