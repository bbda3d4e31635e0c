/**
 * Outages fail fast and recover fast (issue 14, point 6): PostgreSQL (its own `initdb` cluster),
 * MariaDB (`mariadbd --datadir`) and Redis (cached_db invalidation), each on a port of its own,
 * killed with SIGKILL during requests and started again, then frozen with SIGSTOP (a hung host:
 * only the operation timeout ends a request) and let go. Client settings are the ones the docs
 * recommend; the operation timeout is 1 s.
 */
import { after, test } from "node:test";
import mysql from "mysql2/promise";
import postgres from "postgres";
import { Redis } from "ioredis";
import { SessionBackend } from "../../../src/session/backend.ts";
import { withCacheInvalidation } from "../../../src/stores/cache_invalidation.ts";
import { MysqlBackend } from "../../../src/stores/mysql.ts";
import { createMysqlSessionTable } from "../../../src/stores/mysql_schema.ts";
import { createSessionTable, PostgresBackend } from "../../../src/stores/postgres.ts";
import { OPERATION_TIMEOUT, outageRun } from "../../_outage.ts";
import { OutageServer } from "../../_outage_servers.ts";
import { postgresSchema, SECRET_KEY } from "../../_postgres.ts";

const slow = { timeout: 180_000 };

/**
 * The server hung rather than gone (SIGSTOP): connections stay open and nothing answers, so only
 * the operation timeout ends each request. Loads only for the databases: a write timed out there
 * may still land once the server runs again (reported as failed, never acknowledged), which would
 * make "the value read back" depend on timing.
 */
function frozen(server: OutageServer) {
  return {
    kill: () => server.freeze(),
    start: () => server.thaw(),
  };
}
const closing: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const close of closing.reverse()) await close().catch(() => {});
});

test(
  "PostgreSQL killed and restarted, then frozen: 503 within the timeout, then recovery",
  slow,
  async () => {
    const server = await OutageServer.postgres();
    closing.push(() => server.remove());
    await server.start();
    const sql = postgres({
      host: "127.0.0.1",
      port: server.port,
      user: "postgres",
      database: "postgres",
      max: 2,
      connect_timeout: 1,
      backoff: () => 0.1,
      onnotice: () => {},
    });
    closing.push(() => sql.end({ timeout: 1 }));
    await createSessionTable(sql);
    const backend = new PostgresBackend(sql, { SECRET_KEY }, {
      operationTimeout: OPERATION_TIMEOUT,
    });
    console.log("PostgreSQL killed:", await outageRun(backend, server));
    console.log("PostgreSQL frozen:", await outageRun(backend, frozen(server), { writes: false }));
  },
);

test(
  "MariaDB killed and restarted, then frozen: 503 within the timeout, then recovery",
  slow,
  async () => {
    const server = await OutageServer.mariadb();
    closing.push(() => server.remove());
    await server.start();
    const admin = await mysql.createConnection({
      host: "127.0.0.1",
      port: server.port,
      user: "root",
    });
    await admin.query("CREATE DATABASE IF NOT EXISTS test");
    await admin.end();
    const pool = mysql.createPool({
      host: "127.0.0.1",
      port: server.port,
      user: "root",
      database: "test",
      connectionLimit: 2,
      connectTimeout: 1000,
    });
    pool.on("connection", (connection) => connection.on("error", () => {}));
    closing.push(() => pool.end());
    await createMysqlSessionTable(pool);
    const backend = new MysqlBackend(pool, { SECRET_KEY }, {
      operationTimeout: OPERATION_TIMEOUT,
    });
    console.log("MariaDB killed:", await outageRun(backend, server));
    console.log("MariaDB frozen:", await outageRun(backend, frozen(server), { writes: false }));
  },
);

test(
  "Redis (cached_db) killed and restarted, then frozen: writes 503 within the timeout, then recovery",
  slow,
  async () => {
    const server = await OutageServer.redis();
    closing.push(() => server.remove());
    await server.start();
    const redis = new Redis({
      port: server.port,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => 100,
    }).on("error", () => {});
    closing.push(() => Promise.resolve(redis.disconnect()));
    const schema = await postgresSchema("outage_redis");
    closing.push(() => schema.drop());
    const sql = schema.client();
    await createSessionTable(sql);
    const db = new PostgresBackend(sql, { SECRET_KEY });
    const backend = new SessionBackend(
      withCacheInvalidation(db.store, redis, { operationTimeout: OPERATION_TIMEOUT }),
      db.settings,
    );
    const restart = {
      kill: () => server.kill(),
      async start() {
        await server.start();
        // ioredis reconnects every 100 ms (retryStrategy); with its offline queue off, a request in
        // that gap fails at once rather than waiting.
        while (redis.status !== "ready") await new Promise((resolve) => setTimeout(resolve, 20));
      },
    };
    console.log("Redis killed:", await outageRun(backend, restart));
    console.log("Redis frozen:", await outageRun(backend, frozen(server)));
  },
);
