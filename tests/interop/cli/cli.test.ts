/**
 * The `async-django-session` command on this runtime (Deno and Bun run src/cli/main.ts, Node through
 * tsx; .ci/package-check runs the compiled bin from the packed tarball), against values and
 * databases real Django made: every format `inspect` names, every failure cause with the line that
 * says why, `doctor` and `clearsessions` on PostgreSQL, SQLite and MySQL.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { closeDjangos, django, postgresDatabase, sqliteDatabase } from "../../_django.ts";
import { PG_URL, postgresSchema } from "../../_postgres.ts";
import { djangoMysql, mysqlDatabase } from "../../_mysql.ts";
import { tempDirectory } from "../../_sqlite.ts";
import { runtimeCommand } from "../../_runtime.ts";

after(closeDjangos);

const MAIN = fileURLToPath(new URL("../../../src/cli/main.ts", import.meta.url));
const KEY = "cli-test-secret-key";

/** Runs the command; resolves with its exit code and output (`--json` parsed when asked). */
function cli(
  ...args: string[]
): { code: number; out: string; json: () => Record<string, unknown> } {
  const [command, argv] = runtimeCommand(MAIN, ...args);
  const result = spawnSync(command, argv, {
    encoding: "utf8",
    env: { ...process.env, DJANGO_SECRET_KEY: KEY, NO_COLOR: "1" },
  });
  return {
    code: result.status ?? -1,
    out: result.stdout + result.stderr,
    json: () => JSON.parse(result.stdout),
  };
}

/** Django 3.2 (sha1 and the pre-3.1 format) and 5.2, making each kind of value. */
const MAKE = `
from django.core import signing
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.backends.signed_cookies import SessionStore as CookieStore
kind = args["kind"]
data = {"_auth_user_id": "7", "cart": [1, 2]}
if kind == "session":
    result = SessionStore().encode({**data, "pad": "abc" * 50})
elif kind == "big":
    result = SessionStore().encode({"blob": "a" * 3_000_000})
elif kind == "cookie":
    s = CookieStore(); s.update(data); s.save(); result = s.session_key
elif kind == "token":
    result = signing.dumps({"order": 17}, salt="orders")
elif kind == "not-json":
    result = signing.TimestampSigner(salt="django.contrib.sessions.SessionStore").sign(
        signing.b64_encode(b"not json").decode())
`;

describe("inspect names every format Django writes", () => {
  const dj5 = django("5.2", { SECRET_KEY: KEY });
  const dj3sha1 = django("3.2", { SECRET_KEY: KEY, DEFAULT_HASHING_ALGORITHM: "sha1" });
  const make = (dj: typeof dj5, kind: string) => dj.run<string>(MAKE, { kind });

  test("3.1+ session data, compressed: key, salt, time, data and auth keys", async () => {
    const r = cli("inspect", await make(dj5, "session"), "--json");
    assert.equal(r.code, 0, r.out);
    const report = r.json();
    assert.match(String(report.format), /session data \(Django 3\.1\+, sha256, compressed\)/);
    assert.equal(report.key, "SECRET_KEY");
    assert.equal(report.salt, "django.contrib.sessions.SessionStore");
    assert.deepEqual(report.data, { _auth_user_id: "7", cart: [1, 2], pad: "abc".repeat(50) });
    assert.deepEqual(report.auth, { _auth_user_id: "7" });
    assert.ok(typeof report.signedAt === "string" && Number(report.ageSeconds) < 600);
  });

  test("a signed-cookie session and a signing.dumps token with its salt", async () => {
    const cookie = cli("inspect", await make(dj5, "cookie"), "--json");
    assert.match(String(cookie.json().format), /^signed-cookie session/, cookie.out);
    const token = cli("inspect", await make(dj5, "token"), "--salt", "orders", "--json");
    assert.equal(token.code, 0, token.out);
    assert.deepEqual(token.json().data, { order: 17 });
  });

  test("Django 3.2 under DEFAULT_HASHING_ALGORITHM = sha1: pre-3.1 data and sha1 cookies", async () => {
    const legacy = cli("inspect", await make(dj3sha1, "session"), "--json");
    assert.equal(legacy.code, 0, legacy.out);
    assert.match(String(legacy.json().format), /pre-3\.1 session data/);
    const cookie = cli("inspect", await make(dj3sha1, "cookie"), "--json");
    assert.equal(cookie.code, 0, cookie.out);
    assert.match(String(cookie.json().format), /signed-cookie session \(Django 3\.1\/3\.2 sha1/);
  });
});

describe("inspect says why a value fails, one line each", () => {
  const dj = django("5.2", { SECRET_KEY: KEY });
  const old = django("5.2", { SECRET_KEY: "the-old-key" });
  const custom = django("5.2", { SECRET_KEY: KEY });
  const make = (d: typeof dj, kind: string) => d.run<string>(MAKE, { kind });

  const cases: [string, () => Promise<string[]>, RegExp][] = [
    [
      "no separator, not base64",
      () => Promise.resolve(["inspect", "!!not-a-value!!"]),
      /not base64/,
    ],
    [
      "cut signature",
      async () => ["inspect", (await make(dj, "session")).slice(0, -5)],
      /has 38 characters/,
    ],
    [
      "another SECRET_KEY",
      async () => ["inspect", await make(old, "session")],
      /matches neither SECRET_KEY/,
    ],
    [
      "the old key given as a fallback verifies",
      async () => ["inspect", await make(old, "session"), "--fallback", "the-old-key"],
      /SECRET_KEY_FALLBACKS\[0\]/,
    ],
    [
      "expired for --max-age",
      async () => ["inspect", await make(dj, "token"), "--salt", "orders", "--max-age", "-1"],
      /expired: signed/,
    ],
    [
      "past the inflate cap",
      async () => ["inspect", await make(dj, "big")],
      /maxDecompressedBytes/,
    ],
    [
      "verified but not JSON",
      async () => ["inspect", await make(dj, "not-json")],
      /payload cannot be read/,
    ],
    [
      "a session key, not data",
      () => Promise.resolve(["inspect", "abcdefgh12345678abcdefgh12345678"]),
      /run `doctor/,
    ],
  ];
  for (const [name, args, expected] of cases) {
    test(name, async () => {
      const r = cli(...await args());
      assert.match(r.out, expected);
      assert.equal(r.code, name.includes("verifies") ? 0 : 1, r.out);
    });
  }
  test("a custom SessionStore class: --store-class finds it", async () => {
    const value = await custom.run<string>(
      `from django.contrib.sessions.backends.db import SessionStore\n` +
        `class MyStore(SessionStore): pass\nresult = MyStore().encode({"a": 1})`,
    );
    assert.equal(cli("inspect", value).code, 1);
    assert.equal(cli("inspect", value, "--store-class", "MyStore").code, 0);
  });
  test("usage errors exit 2 and say what to type", () => {
    const r = cli("inspect");
    assert.equal(r.code, 2);
    assert.match(r.out, /inspect takes one VALUE/);
    assert.equal(cli("inspect", "x", "--bogus").code, 2);
  });
});

/** Django migrates, logs a user in, and leaves one live and two expired sessions. */
const SEED = `
from datetime import timedelta
from django.core.management import call_command
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
call_command("migrate", verbosity=0)
user = User.objects.create_user("alice", password="s3cret")
s = SessionStore()
s.update({"_auth_user_id": str(user.pk), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
          "_auth_user_hash": user.get_session_auth_hash()})
s.create()
for _ in range(2):
    e = SessionStore(); e["x"] = 1; e.create()
    Session.objects.filter(pk=e.session_key).update(expire_date=timezone.now() - timedelta(days=1))
result = s.session_key
`;

const DATABASES: [
  string,
  () => Promise<{ url: string; django: Record<string, unknown>; drop: () => Promise<void> }>,
][] = [
  ["PostgreSQL", async () => {
    const schema = await postgresSchema("cli");
    return {
      url: `${PG_URL}?search_path=${schema.name}`,
      django: { DATABASES: { default: postgresDatabase(schema.name) } },
      drop: schema.drop,
    };
  }],
  ["SQLite", () => {
    const dir = tempDirectory("cli");
    return Promise.resolve({
      url: dir.path("db.sqlite3"),
      django: { DATABASES: { default: sqliteDatabase(dir.path("db.sqlite3")) } },
      drop: () => Promise.resolve(dir.remove()),
    });
  }],
  ["MySQL", async () => {
    const db = await mysqlDatabase("cli");
    return {
      url: `mysql://root@127.0.0.1:3306/${db.name}`,
      django: { DATABASES: { default: djangoMysql(db.name) }, USE_TZ: true },
      drop: db.drop,
    };
  }],
];

for (const [name, open] of DATABASES) {
  describe(`doctor and clearsessions on ${name}`, () => {
    let db: Awaited<ReturnType<typeof open>>;
    let key: string;
    before(async () => {
      db = await open();
      key = await django("5.2", { SECRET_KEY: KEY, ...db.django })
        .run<string>(SEED);
    });
    after(() => db.drop());

    test("doctor: Django's table, the counts, the sample and the logged-in user", () => {
      const r = cli("doctor", "--database-url", db.url, "--cookie", key);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /django_session has Django's columns/);
      assert.match(r.out, /3 sessions, 2 expired/);
      assert.match(r.out, /1 of the 1 newest sessions verified by SECRET_KEY|of the 3 newest/);
      assert.match(r.out, /auth_user: 1 users; hashers in use: pbkdf2_sha256 ×1/);
      assert.match(r.out, /user \d+ \(alice\) is logged in \(SECRET_KEY/);
    });

    test("doctor with another key: every sample fails and the exit code says so", () => {
      const r = cli("doctor", "--database-url", db.url, "--secret-key", "wrong");
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /newest sessions failing: the signature matches neither SECRET_KEY/);
    });

    test("clearsessions deletes the expired rows and prints how many", () => {
      const r = cli("clearsessions", "--database-url", db.url, "--json");
      assert.equal(r.code, 0, r.out);
      assert.deepEqual(r.json().findings, [{ level: "ok", text: "deleted 2 expired sessions" }]);
      assert.match(cli("doctor", "--database-url", db.url).out, /1 sessions, 0 expired/);
    });
  });
}

test("an unreachable database exits 3 without a password in the output", () => {
  const r = cli("doctor", "--database-url", "postgres://u:hunter2@127.0.0.1:1/x");
  assert.equal(r.code, 3, r.out);
  assert.doesNotMatch(r.out, /hunter2/);
});
