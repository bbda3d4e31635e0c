/**
 * Messages both ways with real Django 3.2/4.2/5.2: a request/response cycle through Django's
 * `SessionMiddleware` + `MessageMiddleware` (RequestFactory), and one through `withSession`, share
 * a browser's cookies and a session database (SQLite, PostgreSQL, MariaDB), for each of Django's
 * storages. What one side adds, the other's `get_messages` shows; what it iterates is gone.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { withSession } from "../../../src/adapters/fetch.ts";
import { DEBUG, ERROR, INFO, SUCCESS, WARNING } from "../../../src/messages/mod.ts";
import { decodePayload } from "../../../src/signing/payload.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { type Added, CYCLE, type Seen } from "./_cycle.ts";
import { CookieJar, type SharedDatabase, sharedDatabases } from "../_databases.ts";

const slow = { timeout: 120_000 };
const SECRET_KEY = "django-insecure-test-key";
const STORAGES = {
  session: "django.contrib.messages.storage.session.SessionStorage",
  cookie: "django.contrib.messages.storage.cookie.CookieStorage",
  fallback: "django.contrib.messages.storage.fallback.FallbackStorage",
};
const MESSAGE_TAGS = { 40: "danger", 50: "critical" };

const PLAIN: Added[] = [
  [INFO, "Profile saved", "", false],
  [SUCCESS, "Welcome, Zoë", "banner wide", false],
  [ERROR, "<b>Card declined</b>", "", true],
  [DEBUG, "dropped: below MESSAGE_LEVEL", "", false],
  [50, "custom level", "", false],
];

/**
 * The JSON inside a signed cookie: the timestamp differs by the second and zlib's choices may
 * differ from ours, so the decoded list is what must match (it decides what Django reads).
 */
const payload = (signed: string | undefined) =>
  signed === undefined ? undefined : decodePayload(signed.split(":").slice(0, -2).join(":"));

/** Fixed hard-to-compress text (an LCG), so the cookie overflows at the same message every run. */
function noise(seed: number): string {
  let x = seed + 1, out = "";
  for (let i = 0; i < 32; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += (x >> 16).toString(36).slice(-1);
  }
  return out;
}

let databases: SharedDatabase[] = [];
before(async () => {
  databases = await sharedDatabases("messages");
}, slow);
after(async () => {
  await closeDjangos();
  await Promise.all(databases.map((db) => db.close()));
}, slow);

/** What Django should show for `added` once it has gone through storage. */
function expected(added: Added[], version: string): Seen[] {
  return added.filter(([level]) => level >= INFO).map(([level, text, tags, safe]) => {
    // Django 3.2 leaves an empty extra_tags out of the JSON, so it reads back as None.
    const extra = tags === "" && version === "3.2" ? null : tags;
    const levelTag =
      ({ ...{ 10: "debug", 20: "info", 25: "success", 30: "warning" }, ...MESSAGE_TAGS } as Record<
        number,
        string
      >)[level] ?? "";
    return [level, text, extra, [extra, levelTag].filter(Boolean).join(" "), safe];
  });
}

for (const name of ["sqlite", "postgres", "mysql"] as const) {
  for (const version of DJANGO_VERSIONS) {
    describe(`messages with Django ${version} on ${name}`, () => {
      const db = () => databases.find((d) => d.name === name)!;
      const dj = () =>
        django(version, {
          SECRET_KEY,
          DATABASES: { default: db().django },
          INSTALLED_APPS: [
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
            "django.contrib.messages",
          ],
        });
      before(async () => {
        await dj().run(`from django.core.management import call_command
call_command("migrate", "sessions", verbosity=0)
result = True`);
      }, slow);

      for (const [kind, storage] of Object.entries(STORAGES)) {
        const handler = () => {
          const backend = db().backend({
            SECRET_KEY,
            MESSAGE_STORAGE: storage,
            MESSAGE_TAGS,
            djangoVersion: version,
          });
          return withSession({ backend }, async (request, { messages }) => {
            const { read, add } = JSON.parse(request.headers.get("x-test")!) as {
              read: boolean;
              add: Added[];
            };
            const seen = read
              ? (await messages.list()).map((
                m,
              ) => [m.level, m.message, m.extraTags, m.tags, m.safe])
              : [];
            for (const [level, text, extraTags, safe] of add) {
              messages.add(level, text, { extraTags, safe });
            }
            return Response.json(seen);
          });
        };
        const ours = async (jar: CookieJar, read: boolean, add: Added[] = []) => {
          const response = await handler()(
            new Request("http://testserver/", {
              headers: { cookie: jar.header(), "x-test": JSON.stringify({ read, add }) },
            }),
          );
          jar.take(response.headers.getSetCookie());
          return await response.json() as Seen[];
        };
        const theirs = async (jar: CookieJar, read: boolean, add: Added[] = []) => {
          const answer = await dj().run<{ seen: Seen[]; cookies: string[]; raw: string | null }>(
            CYCLE,
            { storage, cookie: jar.header(), read, add },
          );
          jar.take(answer.cookies);
          return answer;
        };

        test(`${kind}: added here, shown by Django's get_messages, then gone`, slow, async () => {
          const jar = new CookieJar();
          assert.deepEqual(await ours(jar, false, PLAIN), []);
          assert.deepEqual((await theirs(jar, true)).seen, expected(PLAIN, version));
          assert.deepEqual((await theirs(jar, true)).seen, []);
          assert.deepEqual(await ours(jar, true), []);
        });

        test(`${kind}: added by Django, listed here, then gone for Django too`, slow, async () => {
          const jar = new CookieJar();
          await theirs(jar, false, PLAIN);
          assert.deepEqual(await ours(jar, true), expected(PLAIN, version));
          assert.deepEqual(await ours(jar, true), []);
          assert.deepEqual((await theirs(jar, true)).seen, []);
        });

        test(`${kind}: unread messages are kept; new ones join them`, slow, async () => {
          const jar = new CookieJar();
          const first: Added[] = [[WARNING, "first", "", false]];
          const second: Added[] = [[INFO, "second", "x", false]];
          await ours(jar, false, first);
          await theirs(jar, false, second);
          assert.deepEqual(await ours(jar, false), []);
          const both = [...expected(first, version), ...expected(second, version)];
          assert.deepEqual((await theirs(jar, true)).seen, both);
        });

        test(`${kind}: read and added in one request: only the new ones stay`, slow, async () => {
          const jar = new CookieJar();
          await theirs(jar, false, [[INFO, "old", "", false]]);
          await ours(jar, true, [[INFO, "new", "", false]]);
          assert.deepEqual(
            (await theirs(jar, true)).seen,
            expected([[INFO, "new", "", false]], version),
          );
        });

        test(`${kind}: the same bytes as Django's for the same messages`, slow, async () => {
          const mine = new CookieJar();
          const django = new CookieJar();
          await ours(mine, false, PLAIN);
          const answer = await theirs(django, false, PLAIN);
          // The cookie is timestamp-signed (Django's SIGNING_BACKEND): the payloads must match.
          assert.deepEqual(payload(mine.get("messages")), payload(django.get("messages")));
          if (kind === "session") {
            const again = await theirs(mine, false);
            assert.equal(again.raw, answer.raw);
          }
        });

        if (kind !== "session") {
          test(
            `${kind}: more than 2048 bytes: ${
              kind === "fallback" ? "the rest goes to the session" : "the oldest are dropped"
            }`,
            slow,
            async () => {
              const many: Added[] = Array.from(
                { length: 100 },
                (_, i) => [INFO, `message ${i} ${noise(i)}`, "", false],
              );
              const mine = new CookieJar();
              await ours(mine, false, many);
              assert.ok(mine.get("messages")!.length <= 2048);
              const django = new CookieJar();
              await theirs(django, false, many);
              assert.deepEqual(payload(mine.get("messages")), payload(django.get("messages")));
              const all = expected(many, version);
              const shown = (await theirs(mine, true)).seen;
              if (kind === "fallback") assert.deepEqual(shown, all);
              else {
                assert.ok(shown.length > 0 && shown.length < all.length);
                assert.deepEqual(shown, all.slice(all.length - shown.length));
              }
              assert.deepEqual(await ours(django, true), kind === "fallback" ? all : shown);
            },
          );
        }
      }
    });
  }
}
