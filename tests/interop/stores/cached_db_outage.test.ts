/**
 * A cached_db logout, key cycle or save that fails because Redis is down can be retried until Django
 * no longer serves the old data (issue 14, point 5). Redis runs on a port of its own with an
 * append-only file, so that killing and restarting it keeps Django's cached sessions, as a crashed
 * and restarted Redis with persistence would.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { logout } from "../../../src/auth/login.ts";
import { StoreUnavailable } from "../../../src/errors.ts";
import { SessionBackend } from "../../../src/session/backend.ts";
import { withCacheInvalidation } from "../../../src/stores/cache_invalidation.ts";
import { MysqlBackend } from "../../../src/stores/mysql.ts";
import { createMysqlSessionTable } from "../../../src/stores/mysql_schema.ts";
import { closeDjangos, django } from "../../_django.ts";
import { djangoMysql, mysqlDatabase } from "../../_mysql.ts";
import { OutageServer } from "../../_outage_servers.ts";

const slow = { timeout: 120_000 };
const SECRET_KEY = "django-insecure-test-key";

const redisServer = await OutageServer.redis();
await redisServer.start();
const db = await mysqlDatabase("cdb_outage");
await createMysqlSessionTable(db.pool);
// What the README recommends: fail at once while disconnected, reconnect soon after.
const redis = new Redis({
  port: redisServer.port,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  retryStrategy: () => 100,
}).on("error", () => {});
const plain = new MysqlBackend(db.pool, { SECRET_KEY });
const coherent = new SessionBackend(withCacheInvalidation(plain.store, redis), plain.settings);

after(async () => {
  await closeDjangos();
  redis.disconnect();
  await redisServer.remove();
  await db.drop();
});

/** Django's cached_db view of a key (retrying once: its pooled connection died with the server). */
const LOAD = `
from django.contrib.sessions.backends.cached_db import SessionStore
from redis.exceptions import ConnectionError
for attempt in range(3):
    try:
        s = SessionStore(args)
        result = dict(s)
        break
    except ConnectionError:
        pass
`;
const SAVE = `
from django.contrib.sessions.backends.cached_db import SessionStore
s = SessionStore()
s.update(args)
s.save()
result = s.session_key
`;

/** Waits until our client has reconnected to the restarted Redis. */
async function reconnected(): Promise<void> {
  while (redis.status !== "ready") await new Promise((resolve) => setTimeout(resolve, 20));
}

async function outage(during: () => Promise<unknown>): Promise<void> {
  await redisServer.kill();
  await assert.rejects(during(), (error) => {
    assert.ok(error instanceof StoreUnavailable, String(error));
    assert.match(error.operation, /\(cache\)$/);
    return true;
  });
  await redisServer.start();
  await reconnected();
}

for (const version of ["4.2", "5.2"] as const) {
  const dj = django(version, {
    DATABASES: { default: djangoMysql(db.name) },
    SESSION_ENGINE: "django.contrib.sessions.backends.cached_db",
    CACHES: {
      default: {
        BACKEND: "django.core.cache.backends.redis.RedisCache",
        LOCATION: `redis://127.0.0.1:${redisServer.port}/0`,
      },
    },
  });

  test(
    `Django ${version}: a logout that failed on the cache logs out when retried`,
    slow,
    async () => {
      const key = await dj.run<string>(SAVE, { _auth_user_id: "1" });
      await outage(async () => logout(await coherent.getSession(key).load()));
      // The next request: it loads the session (to find the user, say), then logs out again.
      const session = await coherent.getSession(key).load();
      await logout(session);
      assert.deepEqual(await dj.run(LOAD, key), {});
    },
  );

  test(
    `Django ${version}: a save that failed on the cache leaves Django and the row agreeing`,
    slow,
    async () => {
      const key = await dj.run<string>(SAVE, { user: "alice" });
      const session = await coherent.getSession(key).load();
      session.set("user", "bob");
      await outage(() => session.save());
      const [row] = [await plain.getSession(key).load()];
      assert.deepEqual(await dj.run(LOAD, key), Object.fromEntries(row.entries()));
      assert.equal(await session.save(), true, "the retry");
      assert.deepEqual(await dj.run(LOAD, key), { user: "bob" });
    },
  );

  test(
    `Django ${version}: a key cycle that failed on the cache retires the old key on retry`,
    slow,
    async () => {
      const key = await dj.run<string>(SAVE, { _auth_user_id: "1" });
      const session = await coherent.getSession(key).load();
      await outage(() => session.cycleKey());
      await session.save({ force: true });
      assert.deepEqual(await dj.run(LOAD, key), {}, "the old key no longer logs anyone in");
      assert.deepEqual(await dj.run(LOAD, session.key), { _auth_user_id: "1" });
    },
  );
}
