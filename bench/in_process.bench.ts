/**
 * What a session read adds to a request, without HTTP: each app's `fetch` is handed `Request`s in
 * this process (16 in flight) and answers from PostgreSQL through postgres.js 4, whose pool does not
 * slow down as it serves queries (3.4's does, which makes figures taken one after another in one
 * process drift). Each adapter is measured against the same framework doing one raw select, and
 * the steps of a read on their own: the query as the store sends it, the store's `load`, the
 * session's `load`, and `withSession` around a raw select. Standalone on any runtime:
 *
 *   node_modules/.bin/deno run -A bench/in_process.bench.ts
 *   node_modules/.bin/bun bench/in_process.bench.ts
 *   node --import tsx bench/in_process.bench.ts   (Node's undici Request dominates here)
 *
 * Each round (BENCH_RUNS, default 5) runs every variant for BENCH_REQUESTS requests (default
 * 40,000) after 2,000 unmeasured; the median round's process CPU time per request is reported, and
 * what each adds over the raw select of its framework. On the shared 2-core machine a difference
 * moves by up to 3 µs between runs: compare within a run. "Hono, c.get" reads the session with
 * `c.get("session")` where "Hono" reads `c.var.session`, which Hono builds afresh on each access.
 */
import process from "node:process";
import postgres from "postgres-v4";
import { Hono } from "hono";
import { H3 } from "h3";
import { benchSchema } from "./_postgres.ts";
import { type Session, withSession } from "../mod.ts";
import { PostgresBackend } from "../src/stores/postgres.ts";
import { sessionKeyOfHeader } from "../src/http/mod.ts";
import { djangoSession as honoSession } from "../src/adapters/hono.ts";
import { djangoSession as h3Session } from "../src/adapters/h3.ts";
import { RUNTIME_VERSION } from "../tests/_runtime.ts";
import { cpuMicros, type Round, roundMedian } from "./_rounds.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40_000);
const SELECT =
  `SELECT session_data FROM "django_session" WHERE session_key = $1 AND expire_date > now()`;

const schema = await benchSchema("in_process");
const [{ search_path }] = await schema.sql`show search_path`;
const sql = postgres("postgres://postgres@127.0.0.1:5432/test", {
  max: 8,
  onnotice: () => {},
  connection: { search_path },
});
const backend = new PostgresBackend(sql, { SECRET_KEY: "bench" });
const seeded = await backend.getSession().load();
seeded.set("n", 1);
await seeded.save();
const cookie = `sessionid=${seeded.key}`;

const text = (body: unknown) =>
  new Response(String(body), { headers: { "content-type": "text/plain" } });
const keyOf = (header: string | null | undefined) =>
  sessionKeyOfHeader(header, backend.settings) ?? "";
async function page(session: Session): Promise<Response> {
  await session.load();
  return text(session.get("n"));
}
async function raw(header: string | null | undefined): Promise<Response> {
  const rows = await sql`SELECT session_data FROM django_session
    WHERE session_key = ${keyOf(header)} AND expire_date > now()`;
  return text(rows.length);
}

type App = (request: Request) => Response | Promise<Response>;
const h3 = h3Session({ backend });
/** Each variant, and the raw select it is measured against. */
const VARIANTS: [name: string, app: App, baseline: string][] = [
  ["raw select", (r) => raw(r.headers.get("cookie")), ""],
  ["the store's query", async (r) => {
    const rows = await sql.unsafe(SELECT, [keyOf(r.headers.get("cookie"))], { prepare: true })
      .raw();
    return text(rows.length);
  }, "raw select"],
  ["store.load", async (r) => {
    const data = await backend.store.load(keyOf(r.headers.get("cookie")));
    return text(data?.n);
  }, "raw select"],
  ["session.load", (r) => page(backend.getSession(keyOf(r.headers.get("cookie")))), "raw select"],
  [
    "withSession, raw select",
    withSession({ backend }, (r) => raw(r.headers.get("cookie"))),
    "raw select",
  ],
  ["withSession", withSession({ backend }, (_r, { session }) => page(session)), "raw select"],
  ["Hono, raw select", new Hono().get("/read", (c) => raw(c.req.header("cookie"))).fetch, ""],
  [
    "Hono, a do-nothing middleware",
    new Hono().use(async (_c, next) => await next()).get(
      "/read",
      (c) => raw(c.req.header("cookie")),
    )
      .fetch,
    "Hono, raw select",
  ],
  [
    "Hono",
    new Hono().use(honoSession({ backend })).get("/read", (c) => page(c.var.session)).fetch,
    "Hono, raw select",
  ],
  [
    "Hono, c.get",
    new Hono().use(honoSession({ backend })).get("/read", (c) => page(c.get("session"))).fetch,
    "Hono, raw select",
  ],
  ["h3, raw select", new H3().get("/read", (e) => raw(e.req.headers.get("cookie"))).fetch, ""],
  [
    "h3",
    new H3().use(h3).get("/read", (e) => page(h3.context(e).session)).fetch,
    "h3, raw select",
  ],
];

/** Runs `count` requests through `app`, 16 at a time. */
async function drive(app: App, count: number): Promise<void> {
  let left = count;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (left-- > 0) {
      const response = await app(new Request("http://localhost/read", { headers: { cookie } }));
      await response.text();
    }
  }));
}

const rounds: Round[] = [];
for (let r = 0; r < RUNS; r++) {
  const round: Round = {};
  for (const [name, app] of VARIANTS) {
    await drive(app, 2000);
    const start = cpuMicros();
    await drive(app, REQUESTS);
    round[name] = (cpuMicros() - start) / REQUESTS;
  }
  rounds.push(round);
}

const median = (key: string) => roundMedian(rounds, key);
console.log(
  `\nin-process bench (${RUNTIME_VERSION}), postgres.js 4, 16 in flight, CPU µs a request, ` +
    `median of ${RUNS} rounds × ${REQUESTS}`,
);
for (const [name, , baseline] of VARIANTS) {
  const added = baseline ? `+${(median(name) - median(baseline)).toFixed(1)} over ${baseline}` : "";
  console.log(`  ${name.padEnd(30)} ${median(name).toFixed(1).padStart(6)}   ${added}`);
}
await sql.end();
await schema.drop();
