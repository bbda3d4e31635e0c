/**
 * The comparison point: express + express-session + connect-pg-simple on Node, doing the `read`
 * work (load the session, read a value) and the `static` work (a route that ignores the session)
 * with express-session's usual options. Environment: PORT, DATABASE_URL. Prints "ready".
 * `POST /seed` creates the session the benchmark then sends.
 */
import connectPgSimple from "connect-pg-simple";
import express from "express";
import session from "express-session";
import pg from "pg";

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
  req.session.n = 1;
  res.send("seeded");
});
app.get("/read", (req, res) => {
  res.type("text/plain").send(String(req.session.n));
});
app.get("/static", (_req, res) => {
  res.type("text/plain").send("static");
});
app.listen(Number(PORT), "127.0.0.1", () => console.log("ready"));
