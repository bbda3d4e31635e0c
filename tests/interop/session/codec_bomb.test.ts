/**
 * A validly signed payload that inflates to 100 MB (made by real Django: `zlib.compress` of a 100 MB
 * JSON string, signed by its `TimestampSigner`) is rejected once inflating passes the cap, instead of
 * being inflated whole as Django itself would.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeDjangos, django } from "../../_django.ts";
import { SECRET, SLOW } from "../../golden/cases.ts";
import { BadPayload, decodeSession } from "../../../mod.ts";
import { loads } from "../../../src/signing/mod.ts";

after(closeDjangos);

const SALT = "django.contrib.sessions.SessionStore";

let made: Promise<string> | undefined;

function bomb(): Promise<string> {
  return made ??= django("5.2", { SECRET_KEY: SECRET }).run<string>(
    `import zlib
from django.core import signing
data = zlib.compress(b'{"x":"' + b"a" * 100_000_000 + b'"}')
result = signing.TimestampSigner(salt=${JSON.stringify(SALT)}).sign(
    "." + signing.b64_encode(data).decode())`,
  );
}

test(
  "a signed 100 MB zlib bomb from Django is rejected by loads and reads as {}",
  SLOW,
  async () => {
    const token = await bomb();
    assert.ok(token.length < 200_000, `the bomb is ${token.length} characters`);
    await assert.rejects(loads(token, { key: SECRET, salt: SALT }), (error) => {
      assert.ok(error instanceof BadPayload);
      assert.match(error.message, /maxDecompressedBytes \(1048576 bytes\)/);
      return true;
    });
    const reasons: Error[] = [];
    const data = await decodeSession(token, { SECRET_KEY: SECRET }, {
      onCorrupt: (e) => reasons.push(e),
    });
    assert.deepEqual(data, {});
    assert.ok(reasons[0] instanceof BadPayload);
  },
);

test("the cap is configurable, and what fits under it inflates", SLOW, async () => {
  const token = await bomb();
  await assert.rejects(
    loads(token, { key: SECRET, salt: SALT, maxDecompressedBytes: 1000 }),
    /maxDecompressedBytes \(1000 bytes\)/,
  );
  const big = await django("5.2", { SECRET_KEY: SECRET }).run<string>(
    `from django.core import signing
result = signing.dumps({"x": "a" * 3_000_000}, salt=${JSON.stringify(SALT)}, compress=True)`,
  );
  await assert.rejects(loads(big, { key: SECRET, salt: SALT }), BadPayload);
  const value = await loads<{ x: string }>(big, {
    key: SECRET,
    salt: SALT,
    maxDecompressedBytes: 4_000_000,
  });
  assert.equal(value.x.length, 3_000_000);
});
