/**
 * Small parities with Django and bad values that are not outages (issue 14, points 7 and 9), each
 * checked against real Django where Django has an answer, on one PostgreSQL schema Django migrated.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { authenticate } from "../../../src/auth/authenticate.ts";
import { makePassword, verifyPassword } from "../../../src/auth/hashers.ts";
import { MAX_PBKDF2_ITERATIONS, pbkdf2Hasher } from "../../../src/auth/pbkdf2.ts";
import type { PasswordHasher } from "../../../src/settings/password_hasher.ts";
import { postgresUsers } from "../../../src/auth/user_sources.ts";
import { BadSignature } from "../../../src/errors.ts";
import { base62Decode, base62Encode } from "../../../src/primitives/base64.ts";
import { Signer } from "../../../src/signing/signer.ts";
import { PostgresBackend } from "../../../src/stores/postgres.ts";
import {
  closeDjangos,
  django,
  DJANGO_DB_CREATE,
  DJANGO_DB_LOAD,
  DJANGO_VERSIONS,
} from "../../_django.ts";
import { postgresSchema, SECRET_KEY } from "../../_postgres.ts";

const schema = await postgresSchema("parity");
const sql = schema.client();
const backend = new PostgresBackend(sql, { SECRET_KEY });
const settings = backend.settings;
await django("5.2", schema.django).run(`from django.core.management import call_command
call_command("migrate", verbosity=0)`);
after(async () => {
  await closeDjangos();
  await schema.drop();
});

const NUMBERS = [0, 1, 61, 62, -1, -100, -62, 1700000000, -1700000000, 2 ** 53 - 1, -(2 ** 53 - 1)];

for (const version of DJANGO_VERSIONS) {
  const dj = django(version, schema.django);

  test(`Django ${version}: base62 of negative integers, both ways`, async () => {
    const theirs = await dj.run<string[]>(
      `try:
    from django.core.signing import b62_encode
except ImportError:  # Django 3.2
    from django.utils.baseconv import base62
    b62_encode = base62.encode
result = [b62_encode(n) for n in args]`,
      NUMBERS,
    );
    assert.deepEqual(NUMBERS.map(base62Encode), theirs);
    assert.deepEqual(theirs.map(base62Decode), NUMBERS);
    assert.equal(base62Encode(-100), "-1c");
  });

  test(`Django ${version}: save({ force: true }) of a new empty session creates its row`, async () => {
    const session = await backend.getSession().load();
    assert.equal(await session.save({ force: true }), true);
    assert.equal(session.key?.length, 32);
    const [data, expires, key] = await dj.run<[object, string | null, string]>(
      DJANGO_DB_LOAD,
      session.key,
    );
    assert.deepEqual([data, typeof expires, key], [{}, "string", session.key]);
    // What Django's own save() does with an empty new session.
    const djangoKey = await dj.run<string>(DJANGO_DB_CREATE, {});
    assert.equal(await backend.exists(djangoKey), true);
  });

  test(`Django ${version}: __proto__ and constructor are plain session keys both ways`, async () => {
    const session = await backend.getSession().load();
    session.set("__proto__", { a: 1 });
    session.update(JSON.parse('{"constructor": "c", "__proto__": {"b": 2}}'));
    assert.equal(Object.getPrototypeOf(session.get("__proto__")), Object.prototype);
    await session.save();
    const [data] = await dj.run<[Record<string, unknown>]>(
      `${DJANGO_DB_LOAD}\nresult = [sorted(result[0].items())]`,
      session.key,
    );
    assert.deepEqual(data, [["__proto__", { b: 2 }], ["constructor", "c"]]);
    const key = await dj.run<string>(
      `${
        DJANGO_DB_CREATE.replace(
          "s.update(args)",
          's["__proto__"] = {"x": 1}; s["constructor"] = 2',
        )
      }`,
    );
    const loaded = await backend.getSession(key).load();
    assert.deepEqual(loaded.keys().sort(), ["__proto__", "constructor"]);
    assert.deepEqual(loaded.get("__proto__"), { x: 1 });
    assert.equal(loaded.get("constructor"), 2);
    assert.equal(loaded.has("toString"), false);
  });

  test(`Django ${version}: makePassword refuses non-strings with Django's TypeError`, async () => {
    const values = [1, 1.5, true, [], {}];
    const theirs = await dj.run<string[]>(
      `from django.contrib.auth.hashers import make_password
result = []
for value in [1, 1.5, True, [], {}]:
    try:
        make_password(value)
    except TypeError as error:
        result.append(str(error))`,
    );
    for (const [i, value] of values.entries()) {
      assert.throws(() => makePassword(value as never, settings, { iterations: 1 }), {
        name: "TypeError",
        message: theirs[i],
      });
    }
    const unusable = await makePassword(null, settings);
    const [usable, theirsUnusable] = await dj.run<[boolean, number]>(
      `from django.contrib.auth.hashers import is_password_usable, make_password
result = [is_password_usable(args), len(make_password(None))]`,
      unusable,
    );
    assert.deepEqual([usable, unusable.length, unusable[0]], [false, theirsUnusable, "!"]);
    const bytes = await makePassword(new TextEncoder().encode("s3cret"), settings, {
      iterations: 1000,
    });
    assert.equal(
      await dj.run(
        `from django.contrib.auth.hashers import check_password\nresult = check_password("s3cret", args)`,
        bytes,
      ),
      true,
    );
  });

  test(`Django ${version}: a signed value differing by a lone surrogate is rejected`, async () => {
    const signer = new Signer({ key: SECRET_KEY });
    const signed = await signer.sign("a\ufffd");
    const forged = "a\ud800" + signed.slice(2);
    await assert.rejects(signer.unsign(forged), BadSignature);
    assert.equal(await signer.unsign(signed), "a\ufffd");
    const djangoAccepts = await dj.run<boolean>(
      `from django.core.signing import Signer
try:
    Signer().unsign(args)
    result = True
except Exception:
    result = False`,
      forged,
    );
    assert.equal(djangoAccepts, false);
  });
}

test("a PBKDF2 hash asking for 2³²−1 iterations is refused, not computed for hours", async () => {
  const absurd = `pbkdf2_sha256$${2 ** 32 - 1}$salt$${"A".repeat(43)}=`;
  const answer = await Promise.race([
    verifyPassword("pw", absurd, settings),
    new Promise((resolve) =>
      setTimeout(() => resolve("still computing after 30 s"), 30_000).unref?.()
    ),
  ]);
  assert.equal(answer, false);
  assert.ok(MAX_PBKDF2_ITERATIONS >= 1_000_000 * 10);
});

/** The preferred hasher (PBKDF2-SHA256 at 5000 iterations), counting what authenticate asks of it. */
function countingHasher() {
  const inner = pbkdf2Hasher("pbkdf2_sha256", 5000);
  const calls = { encode: 0, hardenRuntime: [] as string[] };
  const hasher: PasswordHasher = {
    ...inner,
    encode(password, salt) {
      calls.encode++;
      return inner.encode(password, salt);
    },
    hardenRuntime(password, encoded) {
      calls.hardenRuntime.push(encoded);
      return inner.hardenRuntime?.(password, encoded) ?? Promise.resolve();
    },
  };
  return { hasher, calls };
}

async function insertUser(username: string, encoded: string): Promise<void> {
  await sql.unsafe(
    `INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
     is_staff, is_active, date_joined) VALUES ($1, false, $2, '', '', '', false, true, now())`,
    [encoded, username],
  );
}

test("authenticate as Django's ModelBackend: an unknown user runs the preferred hasher once, a wrong password against a weaker hash is hardened", async () => {
  const { hasher, calls } = countingHasher();
  const session = new PostgresBackend(sql, { SECRET_KEY, hashers: [hasher] }).getSession(null);
  const users = postgresUsers(sql);
  const weak = await makePassword("right", session.settings, { iterations: 1234 });
  const sha1 = await makePassword("right", session.settings, {
    hasher: "pbkdf2_sha1",
    iterations: 1234,
  });
  await insertUser("weak", weak);
  await insertUser("sha1", sha1);
  assert.equal(await authenticate(session, users, "nobody", "pw"), null);
  assert.deepEqual(calls, { encode: 1, hardenRuntime: [] });
  // Django's harden_runtime: the missing 5000 − 1234 iterations, for this hash only.
  assert.equal(await authenticate(session, users, "weak", "wrong"), null);
  assert.deepEqual(calls, { encode: 1, hardenRuntime: [weak] });
  // Another algorithm is not hardened (Django: only when the preferred hasher made the hash).
  assert.equal(await authenticate(session, users, "sha1", "wrong"), null);
  assert.equal((await authenticate(session, users, "weak", "right"))?.username, "weak");
  assert.deepEqual(calls, { encode: 1, hardenRuntime: [weak] });
});

test("user data is never reported as an outage: setExpiry(1e20), a NUL in a username", async () => {
  const session = await backend.getSession().load();
  session.set("a", 1);
  for (const bad of [1e20, -1e20, NaN, Infinity, new Date(NaN), new Date("+010000-01-01")]) {
    assert.throws(() => session.setExpiry(bad), RangeError, String(bad));
  }
  assert.throws(() => session.setExpiry("3600" as never), TypeError);
  assert.equal(await session.save(), true);
  const users = postgresUsers(sql);
  assert.equal(await authenticate(session, users, "ali\0ce", "pw"), null);
  assert.equal(await authenticate(session, users, null, "pw"), null);
  await assert.rejects(authenticate(session, users, 42 as never, "pw"), TypeError);
});
