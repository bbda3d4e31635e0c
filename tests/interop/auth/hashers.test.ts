import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { makePassword, verifyPassword } from "../../../src/auth/hashers.ts";
import { UnsupportedHasher } from "../../../src/errors.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";

after(closeDjangos);

const HASHERS = [
  "django.contrib.auth.hashers.PBKDF2PasswordHasher",
  "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
  "django.contrib.auth.hashers.MD5PasswordHasher",
];

/** Hashes of other hashers, by the algorithm name Django's `identify_hasher` gives them. */
const FOREIGN: Record<string, string> = {
  "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ":
    "argon2",
  "bcrypt_sha256$$2b$12$LZSJchsWG/Vxkc/3GAQvYu7gY8vAyMZQlaaH.J4Xw4SLYQ7vyyyue": "bcrypt_sha256",
  "bcrypt$$2b$12$hYgz5RnZ/fJxg2KmAUVRte5ZoV3ij3M8pPPOv7oXytVWdMVK0NQTK": "bcrypt",
  "scrypt$16384$dnvzNRqsRUaMh4kP3RzwnH$UScC1tW0i8HN0xA5Itf7hoQOG0TelIPrR8IKCUePC/k=$8$1": "scrypt",
  "sha1$ab$0a3c7b4bf8ad4b1d4ea8f8d8a5a4f5e2b1cbb9c1": "sha1",
  "5f4dcc3b5aa765d61d8327deb882cf99": "unsalted_md5",
  "md5$$5f4dcc3b5aa765d61d8327deb882cf99": "unsalted_md5",
  "sha1$$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8": "unsalted_sha1",
  "crypt$$abN0rWXNTk8vs": "crypt",
};

const PASSWORDS = ["correct horse", "pässwörd 🔑 ünïcode", "", "a$b:c"];

/** Django's `make_password`, with its default iterations unless `iterations` is given. */
const MAKE = `
from django.contrib.auth.hashers import get_hasher
hasher = get_hasher(args["hasher"])
salt = hasher.salt()
if args.get("iterations"):
    result = hasher.encode(args["password"], salt, args["iterations"])
else:
    result = hasher.encode(args["password"], salt)
`;

for (const version of DJANGO_VERSIONS) {
  describe(`verifyPassword against Django ${version}`, () => {
    const dj = django(version, { PASSWORD_HASHERS: HASHERS });
    const make = (password: string, hasher: string, iterations?: number) =>
      dj.run<string>(MAKE, { password, hasher, iterations });

    test("accepts a hash made with Django's default iterations, rejects a wrong password", async () => {
      const encoded = await make("correct horse", "pbkdf2_sha256");
      assert.equal(await verifyPassword("correct horse", encoded), true);
      assert.equal(await verifyPassword("correct horsE", encoded), false);
    });

    for (const hasher of ["pbkdf2_sha256", "pbkdf2_sha1"]) {
      test(`${hasher}: Django's hashes of unusual passwords verify; others do not`, async () => {
        for (const password of PASSWORDS) {
          const encoded = await make(password, hasher, 1000);
          assert.ok(encoded.startsWith(`${hasher}$1000$`), encoded);
          assert.equal(await verifyPassword(password, encoded), true, password);
          assert.equal(await verifyPassword(password + " ", encoded), false, password);
          assert.equal(
            await verifyPassword(password.normalize("NFD"), encoded),
            password === password.normalize("NFD"),
          );
        }
      });
    }

    test("Django checks what makePassword made", async () => {
      for (const algorithm of ["pbkdf2_sha256", "pbkdf2_sha1"] as const) {
        for (const password of PASSWORDS) {
          const encoded = await makePassword(password, { iterations: 1200, algorithm });
          const checked = await dj.run<[boolean, boolean, string]>(
            `from django.contrib.auth.hashers import check_password, identify_hasher
result = [check_password(args[0], args[1]), check_password(args[0] + "x", args[1]), identify_hasher(args[1]).algorithm]`,
            [password, encoded],
          );
          assert.deepEqual(checked, [true, false, algorithm]);
        }
      }
    });

    test("other hashers are refused by name, never a silent false", async () => {
      const md5 = await make("pw", "md5");
      for (const [encoded, algorithm] of [...Object.entries(FOREIGN), [md5, "md5"]]) {
        // Django 5.1+ no longer knows the unsalted hashers: it reads them as unknown (false).
        const known = await dj.run<string | null>(
          `from django.contrib.auth.hashers import identify_hasher
try:
    result = identify_hasher(args).algorithm
except ValueError:
    result = None`,
          encoded,
        );
        assert.ok(known === null || known === algorithm, `${known} ≠ ${algorithm}`);
        await assert.rejects(verifyPassword("pw", encoded), (error: unknown) => {
          assert.ok(error instanceof UnsupportedHasher);
          assert.equal(error.code, "UNSUPPORTED_HASHER");
          assert.equal(error.algorithm, algorithm);
          return true;
        });
      }
    });

    test("unusable, unknown and malformed hashes are false, as Django's check_password says", async () => {
      const unusable = await dj.run<string>(
        "from django.contrib.auth.hashers import make_password\nresult = make_password(None)",
      );
      const good = await make("pw", "pbkdf2_sha256", 1000);
      const bad = [
        unusable,
        "",
        "nonsense",
        "rot13$1$salt$hash",
        good.replace("$1000$", "$0$"),
        good.replace("$1000$", "$x$"),
        good.slice(0, -3),
        good + "$extra",
      ];
      for (const encoded of bad) {
        assert.equal(await verifyPassword("pw", encoded), false, encoded);
      }
      assert.equal(await verifyPassword("pw", null), false);
      const django = await dj.run<boolean[]>(
        `from django.contrib.auth.hashers import check_password
result = [check_password("pw", e) for e in args]`,
        bad.slice(0, 4),
      );
      assert.deepEqual(django, [false, false, false, false]);
    });
  });
}
