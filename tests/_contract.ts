/**
 * The store contract suite (the idea of Django's `SessionTestsMixin`): the same checks of Django's
 * session semantics run against every store. A store test file calls
 * `storeContract("postgres.js", async () => ({ backend }))`; the suite adds its own `describe`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { SessionInterrupted, SessionNotLoaded } from "../src/errors.ts";
import type { SessionBackend } from "../src/session/backend.ts";
import { newSessionKey } from "../src/session/keys.ts";

/** What a store test hands the suite. */
export interface ContractSubject {
  backend: SessionBackend;
  /**
   * The same store drawing its new keys from `newKey` (SQL stores: `SqlStoreOptions.newKey`);
   * required with the `collisions` option.
   */
  withNewKey?: (newKey: () => string) => SessionBackend;
  /** Called once after the suite (close pools, drop schemas). */
  close?: () => Promise<void>;
}

/** Options of {@linkcode storeContract}. */
export interface ContractOptions {
  /**
   * False for stores without rows (signed cookies): skips nothing silently, it simply does not
   * register the row checks (flush deletes, interrupted saves, clearExpired, exists).
   */
  serverSide?: boolean;
  /** True for stores that draw keys (SQL): checks that a forced key collision draws again. */
  collisions?: boolean;
}

/** Keys that can never be Django keys: each must give a new, empty session and reach no SQL. */
export const HOSTILE_KEYS = [
  "",
  "abcdefg",
  "a".repeat(41),
  "' OR '1'='1",
  "x'); DROP TABLE django_session; --",
  "abcdefgh\u0000ijkl",
  "ключсессии12345678",
  "ABCDEFGHIJKLMNOP",
];

const KEY = /^[a-z0-9]{32}$/;

/**
 * Registers the contract tests for one store.
 *
 * @param name shown in the test names
 * @param setup creates the backend (once, in `before`)
 * @param options what kind of store it is
 */
export function storeContract(
  name: string,
  setup: () => ContractSubject | Promise<ContractSubject>,
  { serverSide = true, collisions = false }: ContractOptions = {},
): void {
  describe(`store contract: ${name}`, () => {
    let subject: ContractSubject;
    before(async () => subject = await setup());
    after(() => subject.close?.());

    const fresh = (key: string | null = null) => subject.backend.getSession(key).load();
    const saved = async (data: Record<string, unknown>) => {
      const session = await fresh();
      session.update(data);
      assert.equal(await session.save(), true);
      return session.key!;
    };

    test("a new session has no key; an empty one is saved only when forced, as Django's save()", async () => {
      const session = await fresh();
      assert.equal(session.key, null);
      assert.equal(session.isEmpty, true);
      assert.equal(await session.save(), false);
      assert.equal(session.key, null);
      assert.equal(await session.save({ force: true }), true);
      assert.notEqual(session.key, null);
      assert.deepEqual((await fresh(session.key)).keys(), []);
    });

    test("data round-trips through the store under a new Django-shaped key", async () => {
      const data = { n: 1, s: 'é 🍪 "q"', nested: { list: [1, null, true] }, empty: {} };
      const key = await saved(data);
      if (serverSide) assert.match(key, KEY);
      const loaded = await fresh(key);
      assert.equal(loaded.key, key);
      assert.deepEqual(Object.fromEntries(loaded.entries()), data);
    });

    test("sync data access before load() throws SessionNotLoaded", () => {
      const session = subject.backend.getSession(null);
      assert.throws(() => session.get("a"), SessionNotLoaded);
      assert.throws(() => session.set("a", 1), SessionNotLoaded);
    });

    test("concurrent load() calls share one load", async () => {
      const session = subject.backend.getSession(await saved({ a: 1 }));
      const first = session.load();
      assert.equal(session.load(), first);
      assert.equal(await first, await session.load());
    });

    test("mutating loaded data in place reaches neither the store nor the next load", async () => {
      const key = await saved({ nested: { list: [1] } });
      for (let i = 0; i < 2; i++) {
        const session = await fresh(key);
        assert.deepEqual(session.get("nested"), { list: [1] });
        (session.get("nested") as { list: number[] }).list.push(9);
        assert.equal(session.modified, false);
      }
    });

    test("what a saved session holds afterwards, changed in place, reaches no later load", async () => {
      const session = await fresh(null);
      for (const first of [1, 2]) { // a create, then an update
        const nested = { list: [first] };
        session.set("nested", nested);
        await session.save();
        nested.list.push(9);
        assert.deepEqual((await fresh(session.key)).get("nested"), { list: [first] });
      }
    });

    test("an unchanged session is not written; force writes it", async () => {
      const session = await fresh(await saved({ a: 1 }));
      assert.equal(session.get("a"), 1);
      assert.equal(await session.save(), false);
      assert.equal(await session.save({ force: true }), true);
    });

    test("an update is read back under the key save() returns", async () => {
      const session = await fresh(await saved({ a: 1 }));
      session.set("b", 2);
      session.delete("a");
      assert.equal(await session.save(), true);
      const loaded = await fresh(session.key);
      assert.deepEqual(Object.fromEntries(loaded.entries()), { b: 2 });
    });

    for (const key of HOSTILE_KEYS) {
      test(`hostile key ${JSON.stringify(key.slice(0, 24))} gives a new empty session`, async () => {
        const session = await fresh(key);
        assert.equal(session.key, null);
        assert.deepEqual(session.keys(), []);
        assert.equal(await subject.backend.exists(key), false);
        await subject.backend.delete(key);
      });
    }

    test("a past expiry makes the session invisible", async () => {
      const session = await fresh();
      session.set("a", 1);
      session.setExpiry(new Date(Date.now() - 60_000));
      await session.save();
      const loaded = await fresh(session.key);
      assert.equal(loaded.key, null);
      assert.deepEqual(loaded.keys(), []);
    });

    test("setExpiry(0 | seconds | Date | null) is kept across a save", async () => {
      const session = await fresh();
      session.set("a", 1);
      session.setExpiry(0);
      assert.equal(session.getExpireAtBrowserClose(), true);
      await session.save();
      let loaded = await fresh(session.key);
      assert.equal(loaded.getExpireAtBrowserClose(), true);
      assert.equal(loaded.getExpiryAge(), 1209600);
      loaded.setExpiry(300);
      await loaded.save();
      loaded = await fresh(loaded.key);
      assert.equal(loaded.getExpiryAge(), 300);
      assert.equal(loaded.getExpireAtBrowserClose(), false);
      const at = new Date(Date.now() + 3_600_000);
      loaded.setExpiry(at);
      await loaded.save();
      loaded = await fresh(loaded.key);
      assert.equal(loaded.getExpiryDate().getTime(), at.getTime());
      loaded.setExpiry(null);
      assert.equal(loaded.has("_session_expiry"), false);
    });

    test("50 concurrent creates give 50 distinct live sessions", async () => {
      const keys = await Promise.all(Array.from({ length: 50 }, (_, i) => saved({ i })));
      assert.equal(new Set(keys).size, 50);
      const loaded = await Promise.all(keys.map((key) => fresh(key)));
      assert.deepEqual(loaded.map((s) => s.get("i")), keys.map((_, i) => i));
    });

    test("cycleKey() keeps the data under a new key", async () => {
      const old = await saved({ user: "42" });
      const session = await fresh(old);
      await session.cycleKey();
      assert.equal(session.modified, true);
      assert.equal((await fresh(session.key)).get("user"), "42");
      // A signed cookie's key is its data and time: re-signed in the same second it is the same
      // value, in Django too, and there is no row an attacker could have fixed.
      if (!serverSide) return;
      assert.notEqual(session.key, old);
      assert.equal((await fresh(old)).key, null);
    });

    if (collisions) {
      test("a key collision on create draws a new key and leaves the other row alone", async () => {
        const taken = await saved({ owner: "first" });
        const keys = [taken, taken, newSessionKey()];
        const expected = keys[2];
        assert.ok(subject.withNewKey, "collisions: true needs withNewKey in the subject");
        const session = await subject.withNewKey(() => keys.shift()!).getSession().load();
        session.set("owner", "second");
        assert.equal(await session.save(), true);
        assert.equal(session.key, expected);
        assert.equal((await fresh(taken)).get("owner"), "first");
      });
    }

    if (!serverSide) return;

    test("flush() empties the session, deletes its row and drops the key", async () => {
      const old = await saved({ user: "42" });
      const session = await fresh(old);
      await session.flush();
      assert.equal(session.key, null);
      assert.equal(session.isEmpty, true);
      assert.equal(await subject.backend.exists(old), false);
      assert.equal((await fresh(old)).key, null);
    });

    test("a row deleted between load and save gives SessionInterrupted", async () => {
      const session = await fresh(await saved({ a: 1 }));
      await subject.backend.delete(session.key!);
      session.set("a", 2);
      await assert.rejects(session.save(), SessionInterrupted);
    });

    test("exists() sees expired rows; clearExpired() removes them", async () => {
      const session = await fresh();
      session.set("a", 1);
      session.setExpiry(new Date(Date.now() - 60_000));
      await session.save();
      const key = session.key!;
      const live = await saved({ b: 1 });
      assert.equal(await subject.backend.exists(key), true);
      assert.ok(await subject.backend.clearExpired() >= 1);
      assert.equal(await subject.backend.exists(key), false);
      assert.equal(await subject.backend.exists(live), true);
    });
  });
}
