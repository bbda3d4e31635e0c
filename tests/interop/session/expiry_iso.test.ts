/**
 * `_session_expiry` strings (issue 14, point 2): every string Python's `datetime.fromisoformat`
 * reads gives the same instant here, every string it refuses is refused, and a session never falls
 * back to `SESSION_COOKIE_AGE` because of the form of its expiry.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { fromIsoFormat } from "../../../src/session/fromisoformat.ts";
import { expiryAge, expiryDate } from "../../../src/session/expiry.ts";
import { SessionUnreadable } from "../../../src/errors.ts";
import { isoCorpus, pythonFromIsoFormat } from "../../_iso_corpus.ts";
import { closeDjangos, django, DJANGO_VERSIONS } from "../../_django.ts";

test("fromIsoFormat agrees with /usr/bin/python3 on a corpus of 4000 strings", () => {
  const corpus = isoCorpus(4000);
  const expected = pythonFromIsoFormat(corpus);
  const mismatches = corpus.flatMap((s, i) => {
    const ours = fromIsoFormat(s);
    const actual = ours && [ours.millis, ours.naive];
    return JSON.stringify(actual) === JSON.stringify(expected[i]) ? [] : [
      `${JSON.stringify(s)}: python ${JSON.stringify(expected[i])}, ours ${JSON.stringify(actual)}`,
    ];
  });
  const accepted = expected.filter((e) => e !== null).length;
  console.log(`fromisoformat corpus: ${corpus.length} strings, ${accepted} accepted by Python`);
  assert.deepEqual(mismatches.slice(0, 20), []);
});

test("an expiry with nine fractional digits (Go) is an hour, not the default age", () => {
  const now = new Date("2026-11-25T20:00:00Z");
  const expiry = "2026-11-25T21:00:00.123456789+00:00";
  assert.equal(expiryAge(expiry, 1209600, now), 3600);
  assert.equal(expiryDate(expiry, 1209600, now).toISOString(), "2026-11-25T21:00:00.123Z");
  assert.equal(expiryAge("2026-11-25T21:00:00Z", 1209600, now), 3600);
  assert.equal(expiryAge("20261125T210000+0000", 1209600, now), 3600);
});

test("an expiry Python cannot read throws SessionUnreadable, as Django's get_expiry_age raises", () => {
  const now = new Date();
  for (const bad of ["tomorrow", "2026-11-25T25:00:00", "1209600", "2026-13-01", "NaN"]) {
    assert.throws(() => expiryAge(bad, 1209600, now), SessionUnreadable, bad);
    assert.throws(() => expiryDate(bad, 1209600, now), SessionUnreadable, bad);
  }
  // Python-falsy values mean "no expiry of its own" to Django ("" included).
  for (const none of ["", 0, null, undefined, false]) {
    assert.equal(expiryAge(none, 60, now), 60);
  }
});

const DJANGO_EXPIRY_AGE = `
from datetime import datetime, timezone
from django.contrib.sessions.backends.base import SessionBase
now = datetime.fromtimestamp(args["now"], timezone.utc)
result = []
for expiry in args["expiries"]:
    try:
        result.append(SessionBase().get_expiry_age(modification=now, expiry=expiry))
    except (ValueError, TypeError):
        result.append(None)
`;

for (const version of DJANGO_VERSIONS.filter((v) => v !== "3.2")) {
  test(`Django ${version}'s get_expiry_age and ours agree on aware expiry strings`, async () => {
    const now = new Date("2026-11-25T20:00:00Z");
    const expiries = isoCorpus(1500, 3).filter((s) => fromIsoFormat(s)?.naive !== true);
    const theirs = await django(version).run<(number | null)[]>(DJANGO_EXPIRY_AGE, {
      now: now.getTime() / 1000,
      expiries,
    });
    const ours = expiries.map((expiry) => {
      try {
        return expiryAge(expiry, 1209600, now);
      } catch (error) {
        assert.ok(error instanceof SessionUnreadable);
        return null;
      }
    });
    const differing = expiries.filter((_, i) => ours[i] !== theirs[i]);
    assert.deepEqual(differing.slice(0, 10), []);
  });
}
after(closeDjangos);
