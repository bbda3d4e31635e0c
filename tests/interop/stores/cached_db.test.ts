/**
 * Django's `cached_db` sessions on this machine's Redis (Django's own `RedisCache`, Django ≥ 4.0;
 * 3.2 has no Redis cache backend) over a MariaDB table we share: whatever we save, flush or cycle in
 * the database, Django's next request sees, never its stale cached copy.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { SessionBackend } from "../../../src/session/backend.ts";
import { MysqlBackend } from "../../../src/stores/mysql.ts";
import { createMysqlSessionTable } from "../../../src/stores/mysql_schema.ts";
import { cachedDbCacheKey, withCacheInvalidation } from "../../../src/stores/cache_invalidation.ts";
import { SessionInterrupted, StoreUnavailable } from "../../../src/errors.ts";
import { closeDjangos, django } from "../../_django.ts";
import { djangoMysql, mysqlDatabase } from "../../_mysql.ts";

/** Bun stops a test after 5 s; starting Django on a busy machine can take longer. */
const slow = { timeout: 60_000 };

const SECRET_KEY = "django-insecure-test-key"; // the bridge's default
const keyPrefix = `cdb${crypto.randomUUID().slice(0, 8)}`;
const cacheOptions = { keyPrefix, version: 2 };

let db: Awaited<ReturnType<typeof mysqlDatabase>>;
let redis: Redis;
let plain: MysqlBackend;
let coherent: SessionBackend;

before(async () => {
  db = await mysqlDatabase("cached");
  await createMysqlSessionTable(db.pool);
  redis = new Redis({ host: "127.0.0.1", port: 6379, db: 3 });
  plain = new MysqlBackend(db.pool, { SECRET_KEY });
  coherent = new SessionBackend(
    withCacheInvalidation(plain.store, redis, cacheOptions),
    plain.settings,
  );
});
after(async () => {
  await closeDjangos();
  const ours = await redis.keys(`${keyPrefix}:*`);
  if (ours.length > 0) await redis.del(...ours);
  redis.disconnect();
  await db.drop();
});

/** Django's view of a session through its `cached_db` SessionStore (cache first, then the row). */
const LOAD = `
from django.contrib.sessions.backends.cached_db import SessionStore
s = SessionStore(args)
result = [dict(s), s.session_key]
`;

/** Our service renames the user of session `key` and saves it through `backend`. */
async function weRename(backend: SessionBackend, key: string): Promise<void> {
  const session = await backend.getSession(key).load();
  session.set("user", "bob");
  await session.save();
}

/** Django logs alice in: saves the row and caches the dict. */
const SAVE = `
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import caches
s = SessionStore()
s.update(args)
s.save()
result = [s.session_key, caches["default"].has_key(s.cache_key)]
`;

for (const version of ["4.2", "5.2"] as const) {
  describe(`Django ${version} cached_db on Redis`, () => {
    const dj = () =>
      django(version, {
        DATABASES: { default: djangoMysql(db.name) },
        SESSION_ENGINE: "django.contrib.sessions.backends.cached_db",
        CACHES: {
          default: {
            BACKEND: "django.core.cache.backends.redis.RedisCache",
            LOCATION: "redis://127.0.0.1:6379/3",
            KEY_PREFIX: keyPrefix,
            VERSION: 2,
          },
        },
      });
    const djangoSaves = async (data: object) => {
      const [key, cached] = await dj().run<[string, boolean]>(SAVE, data);
      assert.equal(cached, true, "Django cached the session");
      assert.equal(await redis.exists(cachedDbCacheKey(key, cacheOptions)), 1, "under our key");
      return key;
    };

    test("without the wrapper Django serves its stale copy (why it exists)", slow, async () => {
      const key = await djangoSaves({ user: "alice" });
      await weRename(plain, key);
      assert.deepEqual((await dj().run<[object]>(LOAD, key))[0], { user: "alice" });
    });

    test("our save reaches Django", slow, async () => {
      const key = await djangoSaves({ user: "alice" });
      await weRename(coherent, key);
      assert.deepEqual(await dj().run(LOAD, key), [{ user: "bob" }, key]);
      assert.equal(
        await redis.exists(cachedDbCacheKey(key, cacheOptions)),
        1,
        "Django re-cached it",
      );
    });

    test("our flush (logout) logs the user out in Django", slow, async () => {
      const key = await djangoSaves({ _auth_user_id: "1" });
      await coherent.getSession(key).flush();
      const [data, newKey] = await dj().run<[object, string | null]>(LOAD, key);
      assert.deepEqual(data, {});
      assert.notEqual(newKey, key);
    });

    test(
      "our key cycle retires the old key in Django and the new one carries the data",
      slow,
      async () => {
        const key = await djangoSaves({ cart: [1, 2] });
        const session = await coherent.getSession(key).load();
        await session.cycleKey();
        await session.save();
        assert.notEqual(session.key, key);
        assert.deepEqual((await dj().run<[object]>(LOAD, key))[0], {});
        assert.deepEqual(await dj().run(LOAD, session.key), [{ cart: [1, 2] }, session.key]);
      },
    );

    test(
      "a row deleted behind Django's back: our save is interrupted and the cache dropped",
      slow,
      async () => {
        const key = await djangoSaves({ user: "alice" });
        const session = await coherent.getSession(key).load();
        await db.pool.execute("DELETE FROM django_session WHERE session_key = ?", [key]);
        session.set("user", "bob");
        await assert.rejects(session.save(), SessionInterrupted, "the row is gone");
        assert.equal(await redis.exists(cachedDbCacheKey(key, cacheOptions)), 0);
        assert.deepEqual(await dj().run(LOAD, key), [{}, null]);
      },
    );

    test("Django's KEY_FUNCTION has a twin", slow, async () => {
      const keyFunction = (key: string, prefix: string, v: number) => `${prefix}|${v}|${key}`;
      const custom = new SessionBackend(
        withCacheInvalidation(plain.store, redis, { ...cacheOptions, keyFunction }),
        plain.settings,
      );
      await dj().run(`from django.core.cache import caches
caches["default"].key_func = lambda key, prefix, version: f"{prefix}|{version}|{key}"
result = True`);
      try {
        const key = await dj().run<[string]>(SAVE, { user: "alice" }).then(([k]) => k);
        assert.equal(
          await redis.exists(`${keyPrefix}|2|django.contrib.sessions.cached_db${key}`),
          1,
        );
        await weRename(custom, key);
        assert.deepEqual((await dj().run<[object]>(LOAD, key))[0], { user: "bob" });
      } finally {
        await dj().run(`from django.core.cache import caches
from django.core.cache.backends.base import default_key_func
caches["default"].key_func = default_key_func
result = True`);
        const ours = await redis.keys(`${keyPrefix}|*`);
        if (ours.length > 0) await redis.del(...ours);
      }
    });
  });
}

test("a cache that is down is a StoreUnavailable after the row is written", slow, async () => {
  const down = new Redis({
    port: 1,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  }).on("error", () => {}); // the refused connection is the point; ioredis would log it
  const store = withCacheInvalidation(plain.store, down, cacheOptions);
  const key = await store.create({ n: 1 }, new Date(Date.now() + 60_000));
  await assert.rejects(store.update(key, { n: 2 }, new Date(Date.now() + 60_000)), (error) => {
    assert.ok(error instanceof StoreUnavailable);
    assert.equal(error.operation, "update (cache)");
    return true;
  });
  assert.deepEqual(await plain.store.load(key), { n: 2 });
  await assert.rejects(store.delete(key), StoreUnavailable);
  assert.equal(await plain.store.exists(key), false);
  down.disconnect();
});
