/**
 * A database that is down, silent or unreachable (issue 3, point 5): loads and saves reject with
 * `StoreUnavailable`, the process carries on, and the next call succeeds once PostgreSQL is back.
 * The outage is a small TCP proxy in front of 127.0.0.1:5432 that this file starts and stops.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer, type Server, type Socket } from "node:net";
import { StoreUnavailable } from "../../../src/errors.ts";
import { createSessionTable, PostgresBackend } from "../../../src/stores/postgres.ts";
import { postgresSchema, SECRET_KEY } from "../../_postgres.ts";

/** A proxy to PostgreSQL: `forward` passes bytes on, `silent` accepts and never answers. */
class Proxy {
  #server: Server | null = null;
  #sockets = new Set<Socket>();
  port = 0;

  start(mode: "forward" | "silent"): Promise<void> {
    this.#server = createServer((client) => {
      this.#sockets.add(client);
      client.on("close", () => this.#sockets.delete(client)).on("error", () => {});
      if (mode === "silent") return;
      const upstream = connect(5432, "127.0.0.1");
      this.#sockets.add(upstream);
      upstream.on("close", () => this.#sockets.delete(upstream)).on("error", () => {});
      client.pipe(upstream).pipe(client);
    });
    return new Promise((resolve) =>
      this.#server!.listen(this.port, "127.0.0.1", () => {
        this.port = (this.#server!.address() as { port: number }).port;
        resolve();
      })
    );
  }

  stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#server!;
    return new Promise((resolve) => server.close(() => resolve()));
  }
}

const schema = await postgresSchema("pg_outage");
await createSessionTable(schema.client());
const proxy = new Proxy();
await proxy.start("forward");
const sql = schema.client({ host: "127.0.0.1", port: proxy.port, connect_timeout: 1, max: 2 });
const backend = new PostgresBackend(sql, { SECRET_KEY });
after(async () => {
  await schema.drop();
  await proxy.stop();
});

async function created(): Promise<string> {
  const session = await backend.getSession().load();
  session.set("user", "1");
  await session.save();
  return session.key!;
}

async function rejectsUnavailable(promise: Promise<unknown>, operation: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof StoreUnavailable, String(error));
    assert.equal(error.operation, operation);
    return true;
  });
}

for (const mode of ["down", "silent"] as const) {
  test(`PostgreSQL ${mode}: load and save reject with StoreUnavailable, then recover`, async () => {
    const key = await created();
    await proxy.stop();
    if (mode === "silent") await proxy.start("silent");
    const session = backend.getSession(key);
    await rejectsUnavailable(session.load(), "load");
    const fresh = await backend.getSession().load();
    fresh.set("a", 1);
    await rejectsUnavailable(fresh.save(), "create");
    if (mode === "silent") await proxy.stop();
    await proxy.start("forward");
    assert.equal((await session.load()).get("user"), "1");
    assert.equal(await fresh.save(), true);
  });
}

test("a client pointed at a closed port rejects with StoreUnavailable", async () => {
  const closed = new Proxy();
  await closed.start("forward");
  await closed.stop();
  const nowhere = schema.client({ host: "127.0.0.1", port: closed.port, connect_timeout: 1 });
  const session = new PostgresBackend(nowhere, { SECRET_KEY }).getSession(
    "a".repeat(32),
  );
  await rejectsUnavailable(session.load(), "load");
  await assert.rejects(
    new PostgresBackend(nowhere, { SECRET_KEY }).clearExpired(),
    StoreUnavailable,
  );
});
