/**
 * Django 3.2 under `DEFAULT_HASHING_ALGORITHM = "sha1"`: it writes the pre-3.1 session format and
 * signs with sha1. Both directions, byte for byte where the format is deterministic.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeDjangos, django } from "../../_django.ts";
import { CASES, SECRET, SLOW } from "../../golden/cases.ts";
import { decodeSession, encodeSession } from "../../../mod.ts";
import { loads } from "../../../src/signing/mod.ts";

after(closeDjangos);

const sha1Django = () => django("3.2", { SECRET_KEY: SECRET, DEFAULT_HASHING_ALGORITHM: "sha1" });
const settings = { SECRET_KEY: SECRET };
const strict = {
  onCorrupt: (error: Error) => assert.fail(`unexpected corrupt session: ${error.message}`),
};
const ENCODE = `from django.contrib.sessions.backends.db import SessionStore
result = {name: SessionStore().encode(data) for name, data in args.items()}`;
const DECODE = `from django.contrib.sessions.backends.db import SessionStore
result = {name: SessionStore().decode(text) for name, text in args.items()}`;

async function encodeAll(legacy: boolean): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, data] of Object.entries(CASES)) {
    out[name] = await encodeSession(data, {
      ...settings,
      DEFAULT_HASHING_ALGORITHM: legacy ? "sha1" : "sha256",
    });
  }
  return out;
}

describe("pre-3.1 session format with Django 3.2 (DEFAULT_HASHING_ALGORITHM = sha1)", () => {
  test("Django writes the legacy format, we decode it", SLOW, async () => {
    const encoded = await sha1Django().run<Record<string, string>>(ENCODE, CASES);
    for (const [name, data] of Object.entries(CASES)) {
      assert.ok(!encoded[name].includes(":"), `${name} is not the legacy format`);
      assert.deepEqual(await decodeSession(encoded[name], settings, strict), data, name);
    }
  });

  test("our legacy encoding equals Django's byte for byte (no timestamp in it)", SLOW, async () => {
    const django = await sha1Django().run<Record<string, string>>(ENCODE, CASES);
    assert.deepEqual(await encodeAll(true), django);
  });

  test(
    "Django 3.2 reads our legacy encoding under sha1 and under its sha256 default",
    SLOW,
    async () => {
      const encoded = await encodeAll(true);
      assert.deepEqual(await sha1Django().run(DECODE, encoded), CASES);
      const sha256 = `from django.test.utils import override_settings
with override_settings(DEFAULT_HASHING_ALGORITHM="sha256"):
${DECODE.replace(/^/gm, "    ")}`;
      assert.deepEqual(await sha1Django().run(sha256, encoded), CASES);
    },
  );

  test(
    "a sha1-signed 3.1+ token (what 3.2 signs under sha1) decodes; loads needs legacyAlgorithm",
    SLOW,
    async () => {
      const signed = await sha1Django().run<Record<string, string>>(
        `from django.core import signing
result = {n: signing.dumps(d, salt="django.contrib.sessions.SessionStore", compress=True)
          for n, d in args.items()}`,
        CASES,
      );
      for (const [name, data] of Object.entries(CASES)) {
        assert.deepEqual(await decodeSession(signed[name], settings, strict), data, name);
      }
      const salt = "django.contrib.sessions.SessionStore";
      await assert.rejects(loads(signed.ascii, { key: SECRET, salt }), { code: "BAD_SIGNATURE" });
      assert.deepEqual(
        await loads(signed.ascii, { key: SECRET, salt, legacyAlgorithm: "sha1" }),
        CASES.ascii,
      );
    },
  );

  test(
    "a legacy session with a wrong hash or a wrong class name reads as empty",
    SLOW,
    async () => {
      const encoded = await sha1Django().run<Record<string, string>>(ENCODE, {
        ascii: CASES.ascii,
      });
      const reasons: string[] = [];
      const onCorrupt = (error: Error) => reasons.push(error.message);
      assert.deepEqual(
        await decodeSession(encoded.ascii, { SECRET_KEY: "other" }, { onCorrupt }),
        {},
      );
      assert.deepEqual(
        await decodeSession(
          encoded.ascii,
          { SECRET_KEY: SECRET, sessionStoreClass: "Mine" },
          { onCorrupt },
        ),
        {},
      );
      assert.deepEqual(reasons, [
        "Legacy session hash does not match",
        "Legacy session hash does not match",
      ]);
      const fallback = { SECRET_KEY: "new", SECRET_KEY_FALLBACKS: [SECRET] };
      assert.deepEqual(await decodeSession(encoded.ascii, fallback, { onCorrupt }), CASES.ascii);
    },
  );

  test(
    "a project SessionStore subclass: legacy salt uses __name__, 3.1+ salt __qualname__",
    SLOW,
    async () => {
      const got = await sha1Django().run<[string, string]>(
        `from django.contrib.sessions.backends.db import SessionStore as Base
class Outer:
    class MyStore(Base):
        pass
from django.core import signing
store = Outer.MyStore()
result = [store.encode(args), signing.dumps(args, salt=store.key_salt, compress=True)]`,
        CASES.accents,
      );
      const mine = { ...settings, sessionStoreClass: "Outer.MyStore" };
      assert.deepEqual(await decodeSession(got[0], mine, strict), CASES.accents);
      assert.deepEqual(await decodeSession(got[1], mine, strict), CASES.accents);
      assert.equal(
        await encodeSession(CASES.accents, { ...mine, DEFAULT_HASHING_ALGORITHM: "sha1" }),
        got[0],
      );
    },
  );
});
