/**
 * One benchmark server, on whichever runtime runs it (Deno.serve, Bun.serve, or Node through
 * @hono/node-server), in one MODE:
 * - `static`: withSession, a route that never touches the session;
 * - `read`: withSession, the route loads the session (Django's row) and reads a value;
 * - `write`: withSession, the route loads the session and changes it (saved by withSession);
 * - `raw`: no session layer, one postgres.js select of the same row per request (the baseline).
 * Environment: MODE, PORT, DATABASE_URL, DJANGO_SECRET_KEY. Prints "ready" once listening.
 */
import postgres from "postgres";
import { withSession } from "../mod.ts";
import { PostgresBackend } from "../src/stores/postgres.ts";
import { parseCookie } from "../src/http/mod.ts";

type Handler = (request: Request) => Promise<Response>;

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process!.env;
const { MODE = "read", PORT = "8100", DATABASE_URL, DJANGO_SECRET_KEY = "bench" } = env;
const sql = postgres(DATABASE_URL!, { max: 10, onnotice: () => {} });
const backend = new PostgresBackend(sql, { SECRET_KEY: DJANGO_SECRET_KEY });

const text = (body: string) => new Response(body, { headers: { "content-type": "text/plain" } });

const handlers: Record<string, Handler> = {
  static: withSession(() => text("static"), { backend }),
  read: withSession(async (_request, { session }) => {
    await session.load();
    return text(String(session.get("n")));
  }, { backend }),
  write: withSession(async (_request, { session }) => {
    await session.load();
    session.set("n", ((session.get("n") as number) ?? 0) + 1);
    return text(String(session.get("n")));
  }, { backend }),
  raw: async (request) => {
    const key = parseCookie(request.headers.get("cookie")).get("sessionid") ?? "";
    const rows = await sql`SELECT session_data FROM django_session
      WHERE session_key = ${key} AND expire_date > now()`;
    return text(String(rows.length));
  },
};
const fetch = handlers[MODE];
const port = Number(PORT);
const runtime = globalThis as {
  Bun?: { serve(options: { port: number; hostname: string; fetch: Handler }): unknown };
  Deno?: {
    serve(options: { port: number; hostname: string; onListen(): void }, h: Handler): unknown;
  };
};

if (runtime.Bun) {
  runtime.Bun.serve({ port, hostname: "127.0.0.1", fetch });
  console.log("ready");
} else if (runtime.Deno) {
  runtime.Deno.serve({ port, hostname: "127.0.0.1", onListen: () => console.log("ready") }, fetch);
} else {
  const { serve } = await import("@hono/node-server");
  serve({ port, hostname: "127.0.0.1", fetch }, () => console.log("ready"));
}
