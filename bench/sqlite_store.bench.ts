/**
 * SqliteBackend against the same work done by hand, in one run on one file, as ratios (so the
 * machine's speed cancels out). Runs on any runtime with its own driver:
 *
 *   node --import tsx bench/sqlite_store.bench.ts
 *   node_modules/.bin/bun bench/sqlite_store.bench.ts
 *   node_modules/.bin/deno run -A bench/sqlite_store.bench.ts
 *
 * Baselines: `raw select` is one prepared SELECT of the row (no signature check: what a careless
 * reader would do); `select + decode` adds Django's codec, the least a correct reader must do. The
 * reads go to sessions no save changes, so `load` meets texts its store verified before (as a
 * returning user's unchanged session is) and skips the decode: the gap between `load` and `raw
 * select` is what the store layer itself costs. Saves have sessions of their own, and are shown with
 * the connection's default sync level and with the opt-in `synchronous: "NORMAL"`. Last, the load
 * right after a save (which the store wrote, so knows verified) is timed against a raw select.
 */
import { SqliteBackend } from "../src/stores/sqlite.ts";
import { createSqliteSessionTable } from "../src/stores/sqlite_schema.ts";
import { sqliteDateTime } from "../src/stores/sqlite_driver.ts";
import { decodeSession } from "../src/session/codec.ts";
import { djangoSettings } from "../src/settings/settings.ts";
import { openSqlite, SECRET_KEY, SQLITE_DRIVER, tempDirectory } from "../tests/_sqlite.ts";

const ROUNDS = 20;
const SLICE_MS = 100;
const temp = tempDirectory("bench");
const db = await openSqlite(temp.path("bench.sqlite3"));
createSqliteSessionTable(db);
const settings = djangoSettings({ SECRET_KEY });
const backend = new SqliteBackend(db, settings);
// A second connection to the same file that trades the last commits on a power cut for speed.
const relaxedDb = await openSqlite(temp.path("bench.sqlite3"));
const relaxed = new SqliteBackend(relaxedDb, settings, { synchronous: "NORMAL" });

/** 1000 sessions; the reads and the saves each have their own, so every read is of a text seen before. */
async function seed(): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const session = await backend.getSession().load();
    session.update({ _auth_user_id: String(i), cart: [1, 2, 3], theme: "dark" });
    await session.save();
    keys.push(session.key!);
  }
  return keys;
}
const readKeys = await seed();
const saveKeys = await seed();

const select = db.prepare(
  "SELECT session_data FROM django_session WHERE session_key = ? AND expire_date > ?",
);
const rawSelect = (key: string) =>
  (select.get(key, sqliteDateTime(new Date())) as { session_data: string }).session_data;

type Work = [keys: string[], (key: string) => unknown];

async function touch(sessions: SqliteBackend, key: string): Promise<void> {
  const session = await sessions.getSession(key).load();
  session.set("seen", Date.now());
  await session.save();
}

/**
 * Calls per second of each case. The cases take turns in short slices, so a machine busy with
 * something else slows them all alike and the ratios hold.
 */
async function perSecond(cases: Record<string, Work>): Promise<Record<string, number>> {
  const calls = Object.fromEntries(Object.keys(cases).map((name) => [name, 0]));
  const elapsed = { ...calls };
  let next = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, [keys, work]] of Object.entries(cases)) {
      const start = performance.now();
      while (performance.now() - start < SLICE_MS) {
        await work(keys[next++ % keys.length]);
        calls[name]++;
      }
      elapsed[name] += performance.now() - start;
    }
  }
  return Object.fromEntries(
    Object.keys(cases).map((name) => [name, calls[name] / (elapsed[name] / 1000)]),
  );
}

const rates = await perSecond({
  "raw select": [readKeys, rawSelect],
  "select + decode": [readKeys, (key) => decodeSession(rawSelect(key), settings)],
  "load": [readKeys, (key) => backend.getSession(key).load()],
  "load+save": [saveKeys, (key) => touch(backend, key)],
  'load+save, synchronous: "NORMAL"': [saveKeys, (key) => touch(relaxed, key)],
});

const raw = rates["raw select"];
console.log(
  `SqliteBackend on ${SQLITE_DRIVER}: calls per second, ${ROUNDS} turns of ${SLICE_MS} ms`,
);
console.table(Object.fromEntries(
  Object.entries(rates).map((
    [name, rate],
  ) => [name, { perSecond: Math.round(rate), ratio: +(rate / raw).toFixed(3) }]),
));
console.log(`load / (select + decode) = ${(rates.load / rates["select + decode"]).toFixed(3)}`);

/**
 * The load right after a save, as the next request's is when every request saves
 * (`SESSION_SAVE_EVERY_REQUEST`): only it is timed, and a raw select of the same row in the same
 * loop. The saves go through the same store, whose verified cache then knows the text it wrote.
 */
async function loadAfterSave(): Promise<{ load: number; raw: number }> {
  let load = 0;
  let raw = 0;
  const timed = async (work: () => unknown) => {
    const start = performance.now();
    await work();
    return performance.now() - start;
  };
  for (let round = 0; round < 4; round++) {
    for (const key of saveKeys) {
      await touch(relaxed, key);
      // Whichever reads the row first after the write pays more: they take turns.
      const first = round % 2 === 0;
      if (first) raw += await timed(() => rawSelect(key));
      load += await timed(() => relaxed.getSession(key).load());
      if (!first) raw += await timed(() => rawSelect(key));
    }
  }
  return { load, raw };
}
const after = await loadAfterSave();
console.log(`load after a save / raw select, in time = ${(after.load / after.raw).toFixed(3)}`);
db.close();
relaxedDb.close();
temp.remove();
