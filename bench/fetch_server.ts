/**
 * A fetch-style framework for bench/fetch_frameworks.bench.ts, on whichever runtime runs it
 * (Deno.serve, Bun.serve, Node through @hono/node-server; Elysia and Oak listen on their own), in
 * one MODE:
 * - `ours`: our adapter, `/static` (never touches the session), `/read` (loads the Django session,
 *   answers `n`), `/write` (changes it; the adapter saves it);
 * - `raw`: the same framework with no session layer, `/read` doing one postgres.js select of the
 *   session row.
 * Environment: FRAMEWORK (`withSession`, `hono`, `h3`, `oak`, `elysia`), MODE, PORT, DATABASE_URL,
 * DJANGO_SECRET_KEY. Prints "ready" once listening.
 */
import postgres from "postgres";
import { type Session, withSession } from "../mod.ts";
import { sessionKeyOfHeader } from "../src/http/mod.ts";
import { PostgresBackend } from "../src/stores/postgres.ts";

type Handler = (request: Request) => Promise<Response> | Response;

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process!.env;
const { FRAMEWORK = "withSession", MODE = "ours", PORT = "8100", DATABASE_URL } = env;
const sql = postgres(DATABASE_URL!, { max: 10, onnotice: () => {} });
const backend = new PostgresBackend(sql, { SECRET_KEY: env.DJANGO_SECRET_KEY ?? "bench" });
const port = Number(PORT);

const text = (body: unknown) =>
  new Response(String(body), { headers: { "content-type": "text/plain" } });

/** What `/read` and `/write` answer from our session. */
async function page(path: string, session: Session): Promise<Response> {
  await session.load();
  if (path === "/write") session.set("n", (Number(session.get("n")) || 0) + 1);
  return text(session.get("n"));
}

/** The raw select of `/read`. */
async function raw(cookie: string | null): Promise<Response> {
  const key = sessionKeyOfHeader(cookie, backend.settings) ?? "";
  const rows = await sql`SELECT session_data FROM django_session
    WHERE session_key = ${key} AND expire_date > now()`;
  return text(rows.length);
}

const pathOf = (request: Request) => new URL(request.url).pathname;

/**
 * Whether an error only says the client closed its connection before the answer was written (as
 * autocannon does with the requests in flight when a run ends): Node's `ERR_STREAM_DESTROYED`
 * ("Cannot call write after a stream was destroyed"), `ECONNRESET` ("aborted"), `EPIPE`,
 * `ERR_STREAM_PREMATURE_CLOSE`; Deno's `BrokenPipe`/`ConnectionReset`/`Interrupted` errors.
 */
function hungUp(error: unknown): boolean {
  const { code, name } = (error ?? {}) as { code?: string; name?: string };
  return HUNG_UP.has(code ?? "") || HUNG_UP.has(name ?? "");
}
const HUNG_UP = new Set([
  "ERR_STREAM_DESTROYED",
  "ECONNRESET",
  "EPIPE",
  "ERR_STREAM_PREMATURE_CLOSE",
  "BrokenPipe",
  "ConnectionReset",
  "Interrupted",
]);

async function app(): Promise<Handler | null> {
  if (FRAMEWORK === "withSession") {
    if (MODE === "raw") {
      return (request) =>
        pathOf(request) === "/static" ? text("static") : raw(request.headers.get("cookie"));
    }
    return withSession({ backend }, (request, { session }) => {
      const path = pathOf(request);
      return path === "/static" ? text("static") : page(path, session);
    });
  }
  if (FRAMEWORK === "hono") {
    const { Hono } = await import("hono");
    const { djangoSession } = await import("../src/adapters/hono.ts");
    const hono = new Hono();
    hono.get("/static", (c) => c.text("static"));
    if (MODE === "raw") {
      hono.get("/read", (c) => raw(c.req.header("cookie") ?? null));
      return hono.fetch;
    }
    const app = hono.use(djangoSession({ backend }));
    app.get("/read", (c) => page("/read", c.var.session));
    app.get("/write", (c) => page("/write", c.var.session));
    return app.fetch;
  }
  if (FRAMEWORK === "h3") {
    const { H3 } = await import("h3");
    const { djangoSession } = await import("../src/adapters/h3.ts");
    const h3 = new H3().get("/static", () => text("static"));
    if (MODE === "raw") {
      return h3.get("/read", (event) => raw(event.req.headers.get("cookie"))).fetch;
    }
    const django = djangoSession({ backend });
    return h3.use(django)
      .get("/read", (event) => page("/read", django.context(event).session))
      .get("/write", (event) => page("/write", django.context(event).session)).fetch;
  }
  if (FRAMEWORK === "oak") {
    const { Application } = await import("@oakserver/oak");
    const { djangoSession } = await import("../src/adapters/oak.ts");
    // Oak logs every error itself; ours reports all of them except a client that hung up.
    const app = new Application({ logErrors: false });
    app.addEventListener("error", ({ error }) => {
      if (!hungUp(error)) console.error("[oak]", error);
    });
    if (MODE !== "raw") app.use(djangoSession({ backend }));
    app.use(async (ctx) => {
      const { pathname } = ctx.request.url;
      const answer = pathname === "/static"
        ? text("static")
        : MODE === "raw"
        ? await raw(ctx.request.headers.get("cookie"))
        : await page(pathname, (ctx.state as { session: Session }).session);
      ctx.response.type = "text/plain";
      ctx.response.body = await answer.text();
    });
    app.addEventListener("listen", () => console.log("ready"));
    app.listen({ hostname: "127.0.0.1", port });
    return null;
  }
  const { Elysia } = await import("elysia");
  const { djangoSession } = await import("../src/adapters/elysia.ts");
  const elysia = new Elysia().get("/static", () => text("static"));
  const listening = MODE === "raw"
    ? elysia.get("/read", ({ request }) => raw(request.headers.get("cookie")))
    : elysia.use(djangoSession({ backend }))
      .get("/read", ({ session }) => page("/read", session))
      .get("/write", ({ session }) => page("/write", session));
  listening.listen({ port, hostname: "127.0.0.1" }, () => console.log("ready"));
  return null;
}

const fetch = await app();
const runtime = globalThis as {
  Bun?: { serve(options: { port: number; hostname: string; fetch: Handler }): unknown };
  Deno?: {
    serve(options: { port: number; hostname: string; onListen(): void }, h: Handler): unknown;
  };
};
if (fetch && runtime.Bun) {
  runtime.Bun.serve({ port, hostname: "127.0.0.1", fetch });
  console.log("ready");
} else if (fetch && runtime.Deno) {
  runtime.Deno.serve({ port, hostname: "127.0.0.1", onListen: () => console.log("ready") }, fetch);
} else if (fetch) {
  const { serve } = await import("@hono/node-server");
  serve({ port, hostname: "127.0.0.1", fetch }, () => console.log("ready"));
}
