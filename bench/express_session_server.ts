/**
 * The baseline of bench/node_frameworks.bench.ts's Express row: express + express-session +
 * connect-pg-simple on Node, doing the `read` work (load the session, read a value) and the
 * `static` work (a route that ignores the session) with express-session's usual options.
 * Environment: PORT, DATABASE_URL. Prints "ready". `POST /seed` creates the session the benchmark
 * then sends.
 */
import connectPgSimple from "connect-pg-simple";
import express, { type Request, type RequestHandler } from "express";
import expressSession from "express-session";
import pg from "pg";

// express-session ships no types (they are a separate package); what this server uses of it:
const session = expressSession as unknown as (options: Record<string, unknown>) => RequestHandler;
const sessionOf = (req: Request) => (req as Request & { session: { n?: number } }).session;

const { PORT = "8100", DATABASE_URL } = process.env;
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
const Store = connectPgSimple(session);

const app = express();
app.use(session({
  store: new Store({ pool, createTableIfMissing: true }),
  secret: "bench",
  resave: false,
  saveUninitialized: false,
  cookie: { maxAge: 1209600_000 },
}));
app.post("/seed", (req, res) => {
  sessionOf(req).n = 1;
  res.send("seeded");
});
app.get("/read", (req, res) => {
  res.type("text/plain").send(String(sessionOf(req).n));
});
app.get("/static", (_req, res) => {
  res.type("text/plain").send("static");
});
app.listen(Number(PORT), "127.0.0.1", () => console.log("ready"));
