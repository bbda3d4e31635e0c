/**
 * Django's `CryptPasswordHasher` is not offered (docs/auth.md): Django 4.1 deprecated it, 5.0
 * removed it, Python 3.13 removed the `crypt` module it calls, and the JavaScript DES crypt(3)
 * on npm is unmaintained. What real Django does with it is checked here, and that its hashes get
 * a typed error saying what to do, never a silent `false`.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { djangoSettings } from "../../../src/settings/settings.ts";
import { checkPassword, makePassword } from "../../../src/auth/hashers.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { P } from "./_hashers.ts";

after(closeDjangos);

const CRYPT = `${P}CryptPasswordHasher`;
const REMEDY = 'Password hasher "crypt" (Django\'s CryptPasswordHasher, Unix crypt(3)) is not ' +
  "supported: Django 5.0 removed it, Python 3.13 removed the crypt module, and no maintained " +
  "JavaScript library implements it. Before switching, move these users off it in Django 4.2 or " +
  "earlier: list another hasher first in PASSWORD_HASHERS and keep CryptPasswordHasher after it, " +
  "so that Django re-hashes each password at its next login, or reset the passwords of the users " +
  'whose password starts with "crypt$".';
const UNSUPPORTED = {
  name: "UnsupportedHasher",
  code: "UNSUPPORTED_HASHER",
  algorithm: "crypt",
  message: REMEDY,
};

/** Django's crypt hash of `args`, whether Django verifies it, and the warnings the class gives. */
const MAKE = `
import warnings
from django.contrib.auth import hashers as h
encoded = h.make_password(args, hasher="crypt")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    h.CryptPasswordHasher()
result = [encoded, h.check_password(args, encoded), [w.category.__name__ for w in caught]]
`;
const PRESENT = `
import importlib.util
from django.contrib.auth import hashers as h
result = [hasattr(h, "CryptPasswordHasher"), importlib.util.find_spec("crypt") is not None]
`;

const settings = djangoSettings({
  SECRET_KEY: "k",
  PASSWORD_HASHERS: [`${P}PBKDF2PasswordHasher`, CRYPT],
});

describe("Django's CryptPasswordHasher", () => {
  for (const version of DJANGO_VERSIONS) {
    const dj = django(version, { PASSWORD_HASHERS: [CRYPT] });
    if (Number(version) < 5) {
      test(`Django ${version}'s crypt hash is UnsupportedHasher, with what to do`, async () => {
        const [encoded, ok, warnings] = await dj.run<[string, boolean, string[]]>(
          MAKE,
          "correct horse",
        );
        // Django passes a 2-character salt: traditional DES, 13 characters after "crypt$$".
        assert.match(encoded, /^crypt\$\$[./0-9A-Za-z]{13}$/);
        assert.equal(ok, true);
        assert.deepEqual(warnings, version === "3.2" ? [] : ["RemovedInDjango50Warning"]);
        await assert.rejects(checkPassword("correct horse", encoded, settings), UNSUPPORTED);
        await assert.rejects(checkPassword("wrong", encoded, settings), UNSUPPORTED);
      });
    } else {
      test(`Django ${version} has no CryptPasswordHasher`, async () => {
        const [hasHasher, hasModule] = await dj.run<[boolean, boolean]>(PRESENT, null);
        assert.equal(hasHasher, false);
        assert.equal(hasModule, version !== "6.1", "6.1 runs on Python 3.13: no crypt module");
      });
    }
  }

  test("makePassword with crypt is the same error", async () => {
    await assert.rejects(
      async () => await makePassword("pw", settings, { hasher: "crypt" }),
      UNSUPPORTED,
    );
  });
});
