/**
 * `saltedHmac`, `Signer`, `TimestampSigner` and `dumps`/`loads` against Django 3.2, 4.2 and 5.2:
 * identical output for identical input, each side verifying the other, key rotation with
 * `SECRET_KEY_FALLBACKS` (4.1+), and `maxAge` expiry checked after the signature.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { SECRET, SLOW } from "../../golden/cases.ts";
import {
  dumps,
  hexEncode,
  loads,
  saltedHmac,
  Signer,
  TimestampSigner,
} from "../../../src/signing/mod.ts";

after(closeDjangos);

const NOW = 1_700_000_000;
const VALUES = ["", "hello", "Zoë 😀", "a:b:c", "x".repeat(500)];

for (const version of DJANGO_VERSIONS) {
  describe(`signing with Django ${version}`, () => {
    const py = () => django(version, { SECRET_KEY: SECRET });

    test("saltedHmac equals salted_hmac for sha1, sha256, sha512", SLOW, async () => {
      const cases = ["sha1", "sha256", "sha512"].flatMap((algorithm) =>
        VALUES.map((value) => ({ algorithm, value, salt: `salt-${value.length}` }))
      );
      const django = await py().run<string[]>(
        `from django.utils.crypto import salted_hmac
result = [salted_hmac(c["salt"], c["value"], "sekrit", algorithm=c["algorithm"]).hexdigest()
          for c in args]`,
        cases,
      );
      const ours = await Promise.all(
        cases.map(async ({ algorithm, value, salt }) =>
          hexEncode(await saltedHmac(salt, value, "sekrit", algorithm as "sha1"))
        ),
      );
      assert.deepEqual(ours, django);
    });

    test(
      "Signer and TimestampSigner: same tokens, default salts, custom sep and salt",
      SLOW,
      async () => {
        const django = await py().run<string[][]>(
          `from unittest import mock
from django.core.signing import Signer, TimestampSigner
with mock.patch("time.time", return_value=${NOW}.9):
    result = [[Signer(key="k").sign(v), Signer(key="k", sep="/", salt="s").sign(v),
               TimestampSigner(key="k").sign(v), Signer(key="k", algorithm="sha1").sign(v)]
              for v in args]`,
          VALUES,
        );
        const ours = await Promise.all(VALUES.map((v) =>
          Promise.all([
            new Signer({ key: "k" }).sign(v),
            new Signer({ key: "k", sep: "/", salt: "s" }).sign(v),
            new TimestampSigner({ key: "k", now: () => NOW * 1000 + 900 }).sign(v),
            new Signer({ key: "k", algorithm: "sha1" }).sign(v),
          ])
        ));
        assert.deepEqual(ours, django);
      },
    );

    test("dumps/loads: Django loads ours, we load Django's, compressed or not", SLOW, async () => {
      const value = { list: Array.from({ length: 50 }, (_, i) => i), text: "Ünïcode ✓" };
      const ours = await Promise.all(
        [false, true].map((compress) => dumps(value, { key: SECRET, salt: "my.salt", compress })),
      );
      const got = await py().run<{ loaded: unknown[]; theirs: string[] }>(
        `from django.core import signing
result = {"loaded": [signing.loads(t, salt="my.salt", max_age=60) for t in args["ours"]],
          "theirs": [signing.dumps(args["value"], salt="my.salt", compress=c) for c in (False, True)]}`,
        { ours, value },
      );
      assert.deepEqual(got.loaded, [value, value]);
      assert.ok(got.theirs[1].startsWith("."));
      for (const token of got.theirs) {
        assert.deepEqual(await loads(token, { key: SECRET, salt: "my.salt", maxAge: 60 }), value);
      }
    });

    test(
      "maxAge: both sides expire a token 100 s old at 50 s, accept it at 200 s",
      SLOW,
      async () => {
        const old = await dumps("v", { key: SECRET, now: () => Date.now() - 100_000 });
        const django = await py().run<{ token: string; checks: string[] }>(
          `import time
from unittest import mock
from django.core import signing
def check(token, max_age):
    try:
        return signing.loads(token, max_age=max_age)
    except signing.SignatureExpired:
        return "expired"
with mock.patch("time.time", return_value=time.time() - 100):
    token = signing.dumps("v")
result = {"token": token, "checks": [check(args, 50), check(args, 200)]}`,
          old,
        );
        assert.deepEqual(django.checks, ["expired", "v"]);
        for (const token of [old, django.token]) {
          await assert.rejects(loads(token, { key: SECRET, maxAge: 50 }), {
            name: "SignatureExpired",
            code: "SIGNATURE_EXPIRED",
          });
          assert.equal(await loads(token, { key: SECRET, maxAge: 200 }), "v");
        }
      },
    );

    if (version !== "3.2") {
      test(
        "SECRET_KEY_FALLBACKS: each side accepts the other's token signed with an old key",
        SLOW,
        async () => {
          const fromOld = await dumps({ a: 1 }, { key: "old-key", salt: "rotation" });
          // override_settings instead of a second Django process: Signer reads both settings
          // when it is created.
          const got = await py().run<{ loaded: unknown; theirs: string; strict: string }>(
            `from django.core import signing
from django.test.utils import override_settings
with override_settings(SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=["old-key"]):
    try:
        signing.loads(args, salt="rotation", fallback_keys=[])
        strict = "accepted"
    except signing.BadSignature:
        strict = "rejected"
    result = {"loaded": signing.loads(args, salt="rotation"), "strict": strict,
              "theirs": signing.dumps({"b": 2}, key="old-key", salt="rotation")}`,
            fromOld,
          );
          assert.deepEqual(got.loaded, { a: 1 });
          assert.equal(got.strict, "rejected");
          const rotation = { key: "new-key", salt: "rotation", fallbackKeys: ["old-key"] };
          assert.deepEqual(await loads(got.theirs, rotation), { b: 2 });
          await assert.rejects(loads(got.theirs, { ...rotation, fallbackKeys: [] }), {
            code: "BAD_SIGNATURE",
          });
        },
      );
    }
  });
}
