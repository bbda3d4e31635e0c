/**
 * The Elysia app of tests/interop/adapters/elysia.test.ts on Elysia's own server (`app.listen`),
 * run under Bun: sessions in the SQLite file `SQLITE_PATH`, or in PostgreSQL's `PG_SCHEMA`.
 * Prints "listening" once the port accepts requests.
 */
import { Elysia, redirect, status } from "elysia";
import postgres from "postgres";
import { djangoSession } from "../../src/adapters/elysia.ts";
import type { SessionBackend } from "../../src/session/backend.ts";
import { PostgresBackend } from "../../src/stores/postgres.ts";
import { SqliteBackend } from "../../src/stores/sqlite.ts";
import { openSqlite } from "../_sqlite.ts";
import { PG_URL, SECRET_KEY } from "../_postgres.ts";

const env = process.env;
const backend: SessionBackend = env.PG_SCHEMA
  ? new PostgresBackend(
    postgres(PG_URL, { max: 2, onnotice: () => {}, connection: { search_path: env.PG_SCHEMA } }),
    { SECRET_KEY },
  )
  : new SqliteBackend(await openSqlite(env.SQLITE_PATH!), { SECRET_KEY });

new Elysia()
  .use(djangoSession({ backend }))
  .get("/count", async ({ session, set }) => {
    await session.load();
    const elysia = ((session.get("elysia") as number | undefined) ?? 0) + 1;
    session.set("elysia", elysia);
    set.headers.vary = "Accept-Encoding";
    return { django: session.get("django") ?? null, elysia };
  })
  .get("/created", async ({ session }) => {
    (await session.load()).set("elysia", "created");
    return status(201, "created");
  })
  .get("/static", () => "no session here")
  .get("/logout", async ({ session }) => {
    await session.flush();
    return redirect("/");
  })
  .get("/fail", async ({ session }) => {
    (await session.load()).set("elysia", -1);
    throw new Error("handler failed");
  })
  .listen({ hostname: "127.0.0.1", port: Number(env.PORT) }, () => console.log("listening"));
