/**
 * Express for bench/node_frameworks.bench.ts, in one MODE: `ours` (djangoSession: `/static`,
 * `/read`, `/write`) or `raw` (`/read` does one postgres.js select of the session row, no session
 * layer). Environment: MODE, PORT, DATABASE_URL, DJANGO_SECRET_KEY. Prints "ready".
 */
import express from "express";
import postgres from "postgres";
import { djangoSession, sessionOf } from "../src/adapters/express.ts";
import { sessionKeyOfHeader } from "../src/http/mod.ts";
import { PostgresBackend } from "../src/stores/postgres.ts";

const { MODE = "ours", PORT = "8100", DATABASE_URL, DJANGO_SECRET_KEY = "bench" } = process.env;
const sql = postgres(DATABASE_URL!, { max: 10, onnotice: () => {} });
const backend = new PostgresBackend(sql, { SECRET_KEY: DJANGO_SECRET_KEY });

const app = express();
if (MODE === "ours") app.use(djangoSession({ backend }));
app.get("/static", (_req, res) => void res.type("text/plain").send("static"));
if (MODE === "ours") {
  app.get("/read", async (req, res) => {
    const session = await sessionOf(req).load();
    res.type("text/plain").send(String(session.get("n")));
  });
  app.get("/write", async (req, res) => {
    const session = await sessionOf(req).load();
    session.set("n", (Number(session.get("n")) || 0) + 1);
    res.type("text/plain").send(String(session.get("n")));
  });
} else {
  app.get("/read", async (req, res) => {
    const key = sessionKeyOfHeader(req.headers.cookie, backend.settings) ?? "";
    const rows = await sql`SELECT session_data FROM django_session
      WHERE session_key = ${key} AND expire_date > now()`;
    res.type("text/plain").send(String(rows.length));
  });
}
app.listen(Number(PORT), "127.0.0.1", () => console.log("ready"));
