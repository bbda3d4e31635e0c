/**
 * Every Django password hasher both ways with real Django: Django's hashes verify here (and wrong
 * passwords do not), ours verify in Django's `check_password`, and `identifyHasher`, `mustUpdate`,
 * `isPasswordUsable` and `makePassword`'s errors agree with Django's. Costs are lowered on both
 * sides (class attributes in Django, options here) so the suite stays fast; the formats are the same.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { djangoSettings } from "../../../src/settings/settings.ts";
import {
  checkPassword,
  identifyHasher,
  isPasswordUsable,
  makePassword,
  verifyPassword,
} from "../../../src/auth/hashers.ts";
import { pbkdf2Hasher } from "../../../src/auth/pbkdf2.ts";
import {
  argon2Hasher,
  bcryptHasher,
  bcryptSha256Hasher,
  md5Hasher,
  scryptHasher,
  sha1Hasher,
  unsaltedMd5Hasher,
  unsaltedSha1Hasher,
} from "../../../src/hashers/mod.ts";
import { UnsupportedHasher } from "../../../src/errors.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";

after(closeDjangos);

const P = "django.contrib.auth.hashers.";
/** [algorithm, Django class, first Django release without it] */
const HASHERS: [string, string, number][] = [
  ["pbkdf2_sha256", "PBKDF2PasswordHasher", 99],
  ["pbkdf2_sha1", "PBKDF2SHA1PasswordHasher", 99],
  ["argon2", "Argon2PasswordHasher", 99],
  ["bcrypt_sha256", "BCryptSHA256PasswordHasher", 99],
  ["bcrypt", "BCryptPasswordHasher", 99],
  ["scrypt", "ScryptPasswordHasher", 99],
  ["md5", "MD5PasswordHasher", 99],
  ["sha1", "SHA1PasswordHasher", 5.1],
  ["unsalted_sha1", "UnsaltedSHA1PasswordHasher", 5.1],
  ["unsalted_md5", "UnsaltedMD5PasswordHasher", 5.1],
];

/** Django's hasher classes with the same lowered costs as ours below. */
const CHEAP = `
from django.contrib.auth import hashers as h
h.PBKDF2PasswordHasher.iterations = 1000
h.Argon2PasswordHasher.memory_cost = 1024
h.Argon2PasswordHasher.parallelism = 2
h.BCryptSHA256PasswordHasher.rounds = 4
if hasattr(h, "ScryptPasswordHasher"):
    h.ScryptPasswordHasher.work_factor = 1024
`;

const PASSWORDS = ["correct horse", "pässwörd 🔑 ünïcode", "", "a$b:c"];

for (const version of DJANGO_VERSIONS) {
  const v = Number(version);
  const present = HASHERS.filter(([name, , gone]) => v < gone && (name !== "scrypt" || v >= 4));
  const settings = djangoSettings({
    SECRET_KEY: "hasher-tests",
    djangoVersion: version,
    PASSWORD_HASHERS: present.map(([, cls]) => P + cls),
    hashers: [
      pbkdf2Hasher("pbkdf2_sha256", 1000),
      pbkdf2Hasher("pbkdf2_sha1", 1000),
      argon2Hasher({ memoryCost: 1024, parallelism: 2 }),
      bcryptSha256Hasher({ rounds: 4 }),
      bcryptHasher({ rounds: 4 }),
      scryptHasher({ workFactor: 1024 }),
      md5Hasher(),
      sha1Hasher(),
      unsaltedSha1Hasher(),
      unsaltedMd5Hasher(),
    ],
  });

  describe(`password hashers with Django ${version}`, () => {
    const dj = django(version, { PASSWORD_HASHERS: present.map(([, cls]) => P + cls) });
    const run = <T>(code: string, args: unknown) => dj.run<T>(CHEAP + code, args);
    const djangoMake = (password: string, algorithm: string) =>
      run<string>(
        `from django.contrib.auth.hashers import get_hasher\n` +
          `result = h.make_password(args[0], hasher=args[1])`,
        [password, algorithm],
      );
    const djangoCheck = (password: string, encoded: string) =>
      run<boolean>(`result = h.check_password(args[0], args[1])`, [password, encoded]);

    for (const [algorithm] of present) {
      test(`${algorithm}: Django's hashes verify here, ours in Django`, async () => {
        const ours = (password: string) => makePassword(password, settings, { hasher: algorithm });
        for (const password of PASSWORDS) {
          const theirs = await djangoMake(password, algorithm);
          assert.equal(identifyHasher(theirs, settings)?.algorithm, algorithm, theirs);
          assert.equal(await verifyPassword(password, theirs, settings), true, theirs);
          assert.equal(await verifyPassword(password + "x", theirs, settings), false, theirs);
          const mine = await ours(password);
          assert.equal(await djangoCheck(password, mine), true, mine);
          assert.equal(await djangoCheck(password + "x", mine), false, mine);
        }
      });
    }

    test("mustUpdate is Django's: another preferred hasher, weaker parameters, short salts", async () => {
      const cases = [
        await djangoMake("pw", "pbkdf2_sha1"),
        await run<string>(`result = h.PBKDF2PasswordHasher().encode("pw", "shortsalt", 500)`, null),
        await run<string>(`result = h.PBKDF2PasswordHasher().encode("pw", "a" * 22, 1000)`, null),
        await run<string>(`result = h.MD5PasswordHasher().encode("pw", "a" * 22)`, null),
        await run<string>(
          `import bcrypt\nresult = "bcrypt_sha256$" + bcrypt.hashpw(b"x", bcrypt.gensalt(5)).decode()`,
          null,
        ),
      ];
      for (const encoded of cases) {
        const expected = await run<boolean>(
          `preferred = h.get_hasher("default")\nhasher = h.identify_hasher(args)\n` +
            `result = hasher.algorithm != preferred.algorithm or preferred.must_update(args)`,
          encoded,
        );
        assert.equal((await checkPassword("pw", encoded, settings)).mustUpdate, expected, encoded);
      }
    });

    test("older argon2 forms Django still verifies: argon2i, argon2d, version 0x10", async () => {
      for (const [type, extra] of [["I", ""], ["D", ""], ["ID", ", version=16"]]) {
        const encoded = await run<string>(
          `import argon2\nresult = "argon2" + argon2.low_level.hash_secret(b"pw", b"saltsaltsaltsalt", ` +
            `time_cost=1, memory_cost=256, parallelism=1, hash_len=16, type=argon2.low_level.Type.${type}${extra}).decode()`,
          null,
        );
        assert.equal(await djangoCheck("pw", encoded), true, encoded);
        assert.equal(await verifyPassword("pw", encoded, settings), true, encoded);
        assert.equal(await verifyPassword("px", encoded, settings), false, encoded);
      }
    });

    test("unusable, malformed and unknown hashes are false, as in Django", async () => {
      // Django raises ValueError on a PBKDF2 hash with a non-numeric count; here it is just false.
      assert.equal(await verifyPassword("pw", "pbkdf2_sha256$x$salt$hash", settings), false);
      const unusable = await run<string>(`result = h.make_password(None)`, null);
      for (
        const encoded of [unusable, "nonsense", "unknownalgo$1$2", "!"]
      ) {
        assert.equal(await verifyPassword("pw", encoded, settings), false, encoded);
        assert.equal(await djangoCheck("pw", encoded), false, encoded);
        assert.equal(
          isPasswordUsable(encoded),
          await run<boolean>(`result = h.is_password_usable(args)`, encoded),
        );
      }
    });

    test("makePassword refuses what Django's make_password refuses", async () => {
      const djangoError = await run<string>(
        `try:\n    h.make_password(123)\n    result = None\nexcept TypeError as e:\n    result = "TypeError"`,
        null,
      );
      assert.equal(djangoError, "TypeError");
      await assert.rejects(
        async () => await makePassword(123 as unknown as string, settings),
        TypeError,
      );
    });
  });
}

describe("hashers without an implementation", () => {
  const settings = djangoSettings({ SECRET_KEY: "k" });
  test("a Django hasher not given in `hashers` is UnsupportedHasher, never a silent false", async () => {
    const argon =
      "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ";
    await assert.rejects(verifyPassword("pw", argon, settings), UnsupportedHasher);
    await assert.rejects(verifyPassword("pw", "crypt$$abN0rWXNTk8vs", settings), UnsupportedHasher);
  });
  test("an absurd PBKDF2 iteration count is refused, not computed", async () => {
    assert.equal(await verifyPassword("pw", "pbkdf2_sha256$4294967295$salt$hash", settings), false);
  });
});
