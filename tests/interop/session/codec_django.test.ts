/**
 * The session codec against real Django 3.2, 4.2 and 5.2, both directions: what Django's
 * `SessionStore().encode` writes we decode, what we encode Django's `decode` reads, and with a
 * frozen clock our tokens equal Django's byte for byte.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";
import { CASES, SECRET, SLOW } from "../../golden/cases.ts";
import { decodeSession, encodeSession } from "../../../mod.ts";
import { dumps } from "../../../src/signing/mod.ts";

after(closeDjangos);

const settings = { SECRET_KEY: SECRET };
const strict = {
  onCorrupt: (error: Error) => assert.fail(`unexpected corrupt session: ${error.message}`),
};
const FROZEN = 1_700_000_000;

for (const version of DJANGO_VERSIONS) {
  describe(`session codec with Django ${version}`, () => {
    const py = () => django(version, { SECRET_KEY: SECRET });

    test("Django encodes, we decode every case", SLOW, async () => {
      const encoded = await py().run<Record<string, string>>(
        `from django.contrib.sessions.backends.db import SessionStore
result = {name: SessionStore().encode(data) for name, data in args.items()}`,
        CASES,
      );
      for (const [name, data] of Object.entries(CASES)) {
        assert.deepEqual(await decodeSession(encoded[name], settings, strict), data, name);
      }
    });

    test("we encode, Django decodes every case, compressed or not", SLOW, async () => {
      for (const compress of [true, false]) {
        const encoded: Record<string, string> = {};
        for (const [name, data] of Object.entries(CASES)) {
          encoded[name] = await encodeSession(data, settings, { compress });
        }
        assert.equal(encoded.large.startsWith("."), compress);
        const decoded = await py().run(
          `from django.contrib.sessions.backends.db import SessionStore
result = {name: SessionStore().decode(text) for name, text in args.items()}`,
          encoded,
        );
        assert.deepEqual(decoded, CASES);
      }
    });

    test(
      "with a frozen clock, uncompressed tokens equal Django's byte for byte",
      SLOW,
      async () => {
        // Compressed tokens differ by zlib build (Deno's deflate is not Python's zlib), so the
        // byte-for-byte check is on compress=False; the round trips above cover compression.
        const django = await py().run<Record<string, string>>(
          `from unittest import mock
from django.core import signing
with mock.patch("time.time", return_value=${FROZEN}.75):
    result = {n: signing.dumps(d, salt="django.contrib.sessions.SessionStore")
              for n, d in args.items()}`,
          CASES,
        );
        for (const [name, data] of Object.entries(CASES)) {
          const ours = await dumps(data, {
            key: SECRET,
            salt: "django.contrib.sessions.SessionStore",
            now: () => FROZEN * 1000 + 750,
          });
          assert.equal(ours, django[name], name);
        }
      },
    );

    if (version !== "3.2") {
      test(
        "SECRET_KEY_FALLBACKS: sessions signed with the old key still decode",
        SLOW,
        async () => {
          const ours = await encodeSession(CASES.emoji, settings);
          // override_settings instead of a second Django process: both are read at each decode.
          const got = await py().run<{ decoded: unknown; theirs: string }>(
            `from django.contrib.sessions.backends.db import SessionStore
from django.core import signing
from django.test.utils import override_settings
with override_settings(SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=[args["old"]]):
    result = {"decoded": SessionStore().decode(args["ours"]),
              "theirs": signing.dumps(args["data"], key=args["old"], compress=True,
                                      salt="django.contrib.sessions.SessionStore")}`,
            { ours, data: CASES.emoji, old: SECRET },
          );
          assert.deepEqual(got.decoded, CASES.emoji);
          const rotation = { SECRET_KEY: "new-key", SECRET_KEY_FALLBACKS: [SECRET] };
          assert.deepEqual(await decodeSession(got.theirs, rotation, strict), CASES.emoji);
        },
      );
    }

    test("Python-only numbers: 1.0 reads as 1, 2**64 as the nearest double", SLOW, async () => {
      const text = await py().run<string>(
        `from django.contrib.sessions.backends.db import SessionStore
result = SessionStore().encode({"one": 1.0, "big": 2**64, "neg": -2**63})`,
      );
      assert.deepEqual(await decodeSession(text, settings, strict), {
        one: 1,
        big: 18446744073709552000,
        neg: -9223372036854775808,
      });
    });

    test("an exact big JavaScript integer reaches Python as that integer", SLOW, async () => {
      const text = await encodeSession({ big: 2 ** 60, huge: 1e21 }, settings);
      const got = await py().run<string>(
        `from django.contrib.sessions.backends.db import SessionStore
d = SessionStore().decode(args)
result = [repr(d["big"]), repr(d["huge"])]`,
        text,
      );
      assert.deepEqual(got, [String(2n ** 60n), "1e+21"]);
    });
  });
}
