/**
 * `Session` and session keys on an in-memory SQLite database: data access before load,
 * Django's key validation, save's answer, and the key alphabet. The call-by-call comparison with
 * Django's `SessionBase` is in tests/interop/session/session_base.test.ts.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { SessionNotLoaded } from "../../../src/errors.ts";
import { isValidSessionKey, newSessionKey } from "../../../src/session/keys.ts";
import type { Session } from "../../../src/session/session.ts";
import { SqliteBackend } from "../../../src/stores/sqlite.ts";
import { createSqliteSessionTable } from "../../../src/stores/sqlite_schema.ts";
import { openSqlite, SECRET_KEY } from "../../_sqlite.ts";

const X = { x: 1 };
const db = await openSqlite(":memory:");
const backend = new SqliteBackend(db, { SECRET_KEY });
createSqliteSessionTable(db);
after(() => db.close());

/** A saved session holding `initial`, loaded afresh so that both flags are false. */
async function loaded(initial: Record<string, unknown>): Promise<Session> {
  const session = await backend.getSession().load();
  session.update(initial);
  await session.save();
  return backend.getSession(session.key).load();
}

test("data methods before load() throw SessionNotLoaded; clear() needs no load", () => {
  const session = backend.getSession("a".repeat(32));
  for (const call of [() => session.get("a"), () => session.keys(), () => session.setExpiry(1)]) {
    assert.throws(call, SessionNotLoaded);
  }
  session.clear();
  assert.deepEqual([session.loaded, session.accessed, session.modified], [true, true, true]);
});

test("a key shorter than 8 characters is no key (Django's _validate_session_key)", () => {
  assert.equal(backend.getSession("1234567").key, null);
  assert.equal(backend.getSession("12345678").key, "12345678");
});

test("save() resolves false when nothing changed and true after a change", async () => {
  const session = await loaded(X);
  assert.equal(await session.save(), false);
  session.set("x", 2);
  assert.equal(await session.save(), true);
  assert.equal(await session.save(), false);
});

test("new keys are 32 chars of [a-z0-9], every character equally likely (no modulo bias)", () => {
  const counts = new Map<string, number>();
  for (let i = 0; i < 11_250; i++) {
    const key = newSessionKey();
    assert.match(key, /^[a-z0-9]{32}$/);
    for (const char of key) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  // 360,000 characters: 10,000 expected each (σ ≈ 98); modulo bias would give 4 of them ~11,430.
  assert.equal(counts.size, 36);
  for (const [char, count] of counts) {
    assert.ok(Math.abs(count - 10_000) < 500, `${char}: ${count}`);
  }
});

test("isValidSessionKey accepts what Django saves and nothing else", () => {
  for (const key of ["abcdefgh", "a".repeat(40), newSessionKey()]) {
    assert.equal(isValidSessionKey(key), true, key);
  }
  for (
    const key of ["abcdefg", "a".repeat(41), "ABCDEFGHIJ", "abcd efgh", "abcdéfghi", null, 12345678]
  ) {
    assert.equal(isValidSessionKey(key), false, String(key));
  }
});
