/**
 * The reliability suite (issue 14, point 10), sized for `npm test`; `RELIABILITY_LONG=1` (or
 * `bench/reliability.bench.ts`) runs 100,000 mutations per target and a larger corpus. The outage
 * part is `tests/interop/stores/outage.test.ts`. Figures are printed.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { BadSignature } from "../../../src/errors.ts";
import { decodeSession, encodeSession } from "../../../src/session/codec.ts";
import { dumps, loads } from "../../../src/signing/dumps.ts";
import { parsePythonJson, pythonJsonDumps } from "../../../src/signing/json.ts";
import { createSessionTable, PostgresBackend } from "../../../src/stores/postgres.ts";
import { SignedCookieStore } from "../../../src/stores/signed_cookies.ts";
import { closeDjangos, django, DJANGO_DB_LOAD, DJANGO_VERSIONS } from "../../_django.ts";
import { random } from "../../_iso_corpus.ts";
import { postgresSchema, SECRET_KEY } from "../../_postgres.ts";
import { LONG, session, tamperFuzz } from "../../_reliability.ts";

const MUTATIONS = LONG ? 100_000 : 3_000;
const CORPUS = LONG ? 2_000 : 150;
const slow = { timeout: LONG ? 3_600_000 : 120_000 };

const schema = await postgresSchema("reliability");
const sql = schema.client({ max: 4 });
await createSessionTable(sql);
after(async () => {
  await closeDjangos();
  await schema.drop();
});

test(`tampering: ${MUTATIONS} mutations per target, none accepted, none thrown`, slow, async () => {
  const data = { _auth_user_id: "42", cart: [1, 2, 3], note: "x".repeat(40) };
  const codec = { SECRET_KEY };
  const cookies = new SignedCookieStore(codec);
  const targets = [
    tamperFuzz(
      "session codec",
      await encodeSession(data, codec),
      async (m) => {
        const decoded = await decodeSession(m, codec);
        return Object.keys(decoded).length > 0;
      },
      MUTATIONS,
      1,
    ),
    tamperFuzz(
      "signed cookie",
      await cookies.create(data),
      async (m) => {
        return (await cookies.load(m)) !== null;
      },
      MUTATIONS,
      2,
    ),
    tamperFuzz(
      "loads",
      await dumps(data, { key: SECRET_KEY, compress: true }),
      async (m) => {
        try {
          await loads(m, { key: SECRET_KEY });
          return true;
        } catch (error) {
          if (error instanceof BadSignature) return false;
          throw error;
        }
      },
      MUTATIONS,
      3,
    ),
  ];
  for (const figures of await Promise.all(targets)) {
    console.log("tamper fuzz:", figures);
    assert.equal(figures.accepted, 0, figures.firstProblem);
    assert.equal(figures.throws, 0, figures.firstProblem);
    // Bounded, generously: a leak would grow with the mutations.
    assert.ok(figures.heapGrowthMB < 256, `heap grew ${figures.heapGrowthMB} MB`);
  }
});

const DJANGO_BOTH_WAYS = `
import json
from django.contrib.sessions.backends.db import SessionStore
store = SessionStore()
dump = lambda d: json.dumps(d, sort_keys=True)
result = []
for text, token in args:
    expected = json.loads(text)
    result.append([dump(store.decode(token)) == dump(expected), store.encode(expected)])
`;

for (const version of DJANGO_VERSIONS) {
  test(`Django ${version}: ${CORPUS} random sessions decode alike both ways`, slow, async () => {
    const next = random(7);
    const corpus = Array.from({ length: CORPUS }, () => session(next));
    const pairs = await Promise.all(
      corpus.map(async (
        data,
      ) => [pythonJsonDumps(data), await encodeSession(data, { SECRET_KEY })]),
    );
    const started = performance.now();
    const answers = await django(version).run<[boolean, string][]>(DJANGO_BOTH_WAYS, pairs);
    let same = 0;
    for (const [i, [djangoReadsOurs, theirs]] of answers.entries()) {
      assert.ok(djangoReadsOurs, `Django read our token for ${pairs[i][0]}`);
      assert.deepEqual(
        await decodeSession(theirs, { SECRET_KEY }),
        parsePythonJson(pairs[i][0]),
      );
      same++;
    }
    console.log(`differential Django ${version}:`, {
      sessions: CORPUS,
      same,
      ms: Math.round(performance.now() - started),
    });
  });
}

test(
  "concurrent creates with colliding keys: no duplicate key, no lost session",
  slow,
  async () => {
    const next = random(11);
    let draws = 0;
    const count = LONG ? 800 : 200;
    const space = count * 5;
    const backend = new PostgresBackend(sql, { SECRET_KEY }, {
      // Five keys for each session: collisions happen, and each must draw again (8 draws at most).
      newKey: () => (draws++, `collide${String(Math.floor(next() * space)).padStart(5, "0")}`),
    });
    const keys = await Promise.all(Array.from({ length: count }, async (_, i) => {
      const created = await backend.getSession().load();
      created.set("i", i);
      await created.save();
      return created.key!;
    }));
    assert.equal(new Set(keys).size, count);
    for (const [i, key] of keys.entries()) {
      assert.equal((await backend.getSession(key).load()).get("i"), i);
    }
    console.log("concurrent creates:", { sessions: count, draws, collisions: draws - count });
    assert.ok(draws > count, "the test did make keys collide");
  },
);

test("concurrent saves of one session: the last write wins, as in Django", slow, async () => {
  const backend = new PostgresBackend(sql, { SECRET_KEY });
  const first = await backend.getSession().load();
  first.set("n", -1);
  await first.save();
  const key = first.key!;
  // Two requests that loaded the same session: the later save replaces the whole dictionary.
  const [a, b] = [await backend.getSession(key).load(), await backend.getSession(key).load()];
  a.set("from", "a");
  b.set("n", 1);
  await a.save();
  await b.save();
  assert.deepEqual((await backend.getSession(key).load()).entries(), [["n", 1]]);
  const writers = Array.from({ length: LONG ? 200 : 40 }, (_, i) => i);
  const sessions = await Promise.all(writers.map(() => backend.getSession(key).load()));
  await Promise.all(sessions.map((s, i) => s.set("n", i).save()));
  const final = (await backend.getSession(key).load()).get("n") as number;
  assert.ok(writers.includes(final));
  const [theirs] = await django("5.2", schema.django).run<[Record<string, unknown>]>(
    DJANGO_DB_LOAD,
    key,
  );
  assert.deepEqual(theirs, { n: final });
  console.log("concurrent saves:", { writers: writers.length, final, djangoAgrees: true });
});
