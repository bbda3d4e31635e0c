/**
 * Every Django password hasher both ways with real Django: Django's hashes verify here (and wrong
 * passwords do not), ours verify in Django's `check_password`, and `identifyHasher`, `mustUpdate`,
 * `isPasswordUsable`, `makePassword` with an explicit salt (byte for byte) and its errors agree
 * with Django's. Costs are lowered on both
 * sides (`_hashers.ts`) so the suite stays fast; the formats are the same.
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
import { UnsupportedHasher } from "../../../src/errors.ts";
import { closeDjangos, DJANGO_VERSIONS } from "../../_django.ts";
import { bothWays, cheapDjango, type OurSide } from "./_both_ways.ts";
import { cheapSettings, P, presentHashers } from "./_hashers.ts";

after(closeDjangos);

for (const version of DJANGO_VERSIONS) {
  const present = presentHashers(version);
  const settings = cheapSettings(version);

  describe(`password hashers with Django ${version}`, () => {
    const dj = cheapDjango(version);
    const { run, make: djangoMake, check: djangoCheck } = dj;
    const here: OurSide = {
      verify: (password, encoded) => verifyPassword(password, encoded, settings),
      make: (password, hasher) => makePassword(password, settings, { hasher }),
      inspect: (encoded, algorithm) =>
        assert.equal(identifyHasher(encoded, settings)?.algorithm, algorithm, encoded),
    };

    for (const [algorithm] of present) {
      test(`${algorithm}: Django's hashes verify here, ours in Django`, async () => {
        await bothWays(dj, here, algorithm);
      });
    }

    test("makePassword with an explicit salt is Django's make_password(password, salt, hasher)", async () => {
      for (const [algorithm] of present) {
        for (const password of ["correct horse", "pässwörd 🔑"]) {
          const django = await run<{ salt: string; encoded: string }>(
            `hasher = h.get_hasher(args[1])\nsalt = hasher.salt()\n` +
              `encoded = h.make_password(args[0], salt, args[1])\n` +
              `result = {"salt": salt.decode() if isinstance(salt, bytes) else salt, "encoded": encoded}`,
            [password, algorithm],
          );
          const ours = await makePassword(password, settings, {
            hasher: algorithm,
            salt: django.salt,
          });
          assert.equal(ours, django.encoded, `${algorithm} with salt ${django.salt}`);
        }
      }
    });

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

    if (present.some(([name]) => name === "scrypt")) {
      test("scrypt preferred: mustUpdate follows the release's parallelism (1 before 5.0, 5 since)", async () => {
        const scryptFirst = djangoSettings({
          ...settings,
          PASSWORD_HASHERS: [P + "ScryptPasswordHasher", ...settings.PASSWORD_HASHERS],
        });
        for (const p of [1, 5]) {
          const encoded = await run<string>(
            `result = h.ScryptPasswordHasher().encode("pw", "a" * 22, p=${p})`,
            null,
          );
          const expected = await run<boolean>(
            `result = h.get_hasher("scrypt").must_update(args)`,
            encoded,
          );
          assert.equal(
            (await checkPassword("pw", encoded, scryptFirst)).mustUpdate,
            expected,
            encoded,
          );
        }
      });
    }

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
    await assert.rejects(verifyPassword("pw", argon, settings), {
      name: "UnsupportedHasher",
      algorithm: "argon2",
      message: /add argon2Hasher\(\) from "@django-interop\/session\/hashers"/,
    });
    await assert.rejects(verifyPassword("pw", "crypt$$abN0rWXNTk8vs", settings), UnsupportedHasher);
  });
  test("an absurd PBKDF2 iteration count is refused, not computed", async () => {
    assert.equal(await verifyPassword("pw", "pbkdf2_sha256$4294967295$salt$hash", settings), false);
  });
});
