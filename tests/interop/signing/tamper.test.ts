/**
 * Every altered token is rejected: each single-character change, each truncation, an extension, the
 * wrong salt or key, and swapped parts, for a token Django signed and one we signed. The signature
 * is checked before the payload is touched, so a forged compressed payload is never inflated.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeDjangos, django } from "../../_django.ts";
import { SECRET, SLOW } from "../../golden/cases.ts";
import { BadSignature, decodeSession } from "../../../mod.ts";
import { dumps, loads, type LoadsOptions } from "../../../src/signing/mod.ts";

after(closeDjangos);

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:.=";
const OPTIONS: LoadsOptions = { key: SECRET, salt: "tamper" };

async function tokens(): Promise<string[]> {
  const value = { u: "42" };
  const theirs = await django("5.2", { SECRET_KEY: SECRET }).run<string[]>(
    `from django.core import signing
result = [signing.dumps(args, salt="tamper"),
          signing.dumps("a" * 80, salt="tamper", compress=True)]`,
    value,
  );
  // Another value and time than Django's tokens, so swapping in any part changes the token.
  return [
    ...theirs,
    await dumps({ u: "7" }, { ...OPTIONS, now: () => Date.now() - 5000 }),
  ];
}

/** Asserts that every variant is rejected by loads (BadSignature) and reads as {} as a session. */
async function assertAllRejected(variants: string[], options: LoadsOptions = OPTIONS) {
  const outcomes = await Promise.all(variants.map((v) =>
    loads(v, options).then(
      () => `accepted: ${v}`,
      (e) => e instanceof BadSignature && e.code === "BAD_SIGNATURE" ? null : `${v}: ${e}`,
    )
  ));
  assert.deepEqual(outcomes.filter((o) => o !== null), []);
}

test("every single-character change of a valid token is rejected", SLOW, async () => {
  for (const token of await tokens()) {
    assert.ok(await loads(token, OPTIONS));
    const variants: string[] = [];
    for (let i = 0; i < token.length; i++) {
      for (const c of ALPHABET) {
        if (c !== token[i]) variants.push(token.slice(0, i) + c + token.slice(i + 1));
      }
    }
    await assertAllRejected(variants);
  }
});

test("every truncation, an extension and a dropped character are rejected", SLOW, async () => {
  for (const token of await tokens()) {
    const variants = Array.from({ length: token.length }, (_, n) => token.slice(0, n));
    variants.push(token + "A", token + ":", token.slice(1), "." + token);
    for (let i = 0; i < token.length; i += 7) variants.push(token.slice(0, i) + token.slice(i + 1));
    await assertAllRejected(variants);
  }
});

test("wrong salt, wrong key, and swapped parts are rejected", SLOW, async () => {
  const [first, , mine] = await tokens();
  await assertAllRejected([first, mine], { ...OPTIONS, salt: "other" });
  await assertAllRejected([first, mine], { ...OPTIONS, key: "other" });
  await assertAllRejected([first, mine], { key: SECRET }); // Django's default salt
  const [payload, time, signature] = first.split(":");
  const other = mine.split(":");
  await assertAllRejected([
    [time, payload, signature].join(":"),
    [payload, signature, time].join(":"),
    [signature, time, payload].join(":"),
    [payload, time, other[2]].join(":"),
    [other[0], time, signature].join(":"),
    [payload, other[1], signature].join(":"),
  ]);
});

test("a forged compressed payload is rejected before it is inflated or decoded", SLOW, async () => {
  const forged = [".eJzLSM3JyVcozy_KSQEAGgQEXQ", ".!!!not-base64!!!", "%%%"].map((p) =>
    `${p}:1r31eq:${"A".repeat(43)}`
  );
  // BadSignature, not BadPayload: the payload was never looked at.
  await assertAllRejected(forged);
});

test("decodeSession reads every tampered session as {} and reports it", SLOW, async () => {
  const session = await dumps({ a: 1 }, {
    key: SECRET,
    salt: "django.contrib.sessions.SessionStore",
  });
  const reasons: Error[] = [];
  const settings = { SECRET_KEY: SECRET };
  const options = { onCorrupt: (e: Error) => reasons.push(e) };
  assert.deepEqual(await decodeSession(session, settings, options), { a: 1 });
  const variants = [...session].map((c, i) =>
    session.slice(0, i) + (c === "A" ? "B" : "A") + session.slice(i + 1)
  );
  variants.push("", "garbage", "a:b", "YWJj", "=====", "\u0000:\uffff");
  for (const variant of variants) {
    assert.deepEqual(await decodeSession(variant, settings, options), {});
  }
  assert.equal(reasons.length, variants.length);
  assert.ok(reasons.every((e) => e instanceof BadSignature));
});
