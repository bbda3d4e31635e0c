/**
 * Fastify for bench/node_frameworks.bench.ts, in one MODE:
 * - `ours`: the djangoSession plugin, `/static` (never touches the session), `/read` (loads the
 *   Django session, answers `n`), `/write` (changes it; the plugin saves it);
 * - `raw`: no session layer, `/read` does one postgres.js select of the session row;
 * - `baseline`: @fastify/session + @fastify/cookie with connect-pg-simple on the same PostgreSQL,
 *   `POST /seed` (n = 1), `/read`, `/static`.
 * Environment: MODE, PORT, DATABASE_URL, DJANGO_SECRET_KEY. Prints "ready" once listening.
 */
import Fastify from "fastify";
import postgres from "postgres";
import type { Session } from "../mod.ts";
import { djangoSession } from "../src/adapters/fastify.ts";
import { sessionKeyOfHeader } from "../src/http/mod.ts";
import { PostgresBackend } from "../src/stores/postgres.ts";

// @fastify/session's own `request.session` (the baseline) holds `n`.
declare module "fastify" {
  interface Session {
    n?: number;
  }
}

const { MODE = "ours", PORT = "8100", DATABASE_URL, DJANGO_SECRET_KEY = "bench" } = process.env;
const app = Fastify();
app.get("/static", (_request, reply) => reply.type("text/plain").send("static"));

if (MODE === "baseline") {
  const { default: cookie } = await import("@fastify/cookie");
  const { default: fastifySession } = await import("@fastify/session");
  const { default: connectPgSimple } = await import("connect-pg-simple");
  const { default: pg } = await import("pg");
  const Store = connectPgSimple(fastifySession as never);
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
  await app.register(cookie);
  await app.register(fastifySession, {
    secret: "a-secret-of-at-least-thirty-two-characters",
    store: new Store({ pool, createTableIfMissing: true }) as never,
    saveUninitialized: false,
    cookie: { secure: false, maxAge: 1209600_000 },
  });
  app.post("/seed", (request, reply) => (request.session.set("n", 1), reply.send("seeded")));
  app.get(
    "/read",
    (request, reply) => reply.type("text/plain").send(String(request.session.get("n"))),
  );
} else {
  const sql = postgres(DATABASE_URL!, { max: 10, onnotice: () => {} });
  const backend = new PostgresBackend(sql, { SECRET_KEY: DJANGO_SECRET_KEY });
  if (MODE === "ours") {
    await app.register(djangoSession, { backend });
    const loaded = (request: { getDecorator<T>(name: string): T }) =>
      request.getDecorator<Session>("session").load();
    app.get("/read", async (request, reply) => {
      const session = await loaded(request);
      return reply.type("text/plain").send(String(session.get("n")));
    });
    app.get("/write", async (request, reply) => {
      const session = await loaded(request);
      session.set("n", (Number(session.get("n")) || 0) + 1);
      return reply.type("text/plain").send(String(session.get("n")));
    });
  } else {
    app.get("/read", async (request, reply) => {
      const key = sessionKeyOfHeader(request.headers.cookie, backend.settings) ?? "";
      const rows = await sql`SELECT session_data FROM django_session
        WHERE session_key = ${key} AND expire_date > now()`;
      return reply.type("text/plain").send(String(rows.length));
    });
  }
}
await app.listen({ port: Number(PORT), host: "127.0.0.1" });
console.log("ready");
