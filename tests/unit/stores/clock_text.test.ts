/**
 * The dialects' "now" (`clockText`): formatted once a millisecond, and always the text of the
 * current millisecond, as `format(new Date())` would give it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { clockText } from "../../../src/stores/clock_text.ts";
import { sqliteDateTime } from "../../../src/stores/sqlite_driver.ts";

test("now is formatted once a millisecond and follows the clock", async () => {
  let calls = 0;
  const now = clockText((date) => {
    calls++;
    return sqliteDateTime(date);
  });
  const before = Date.now();
  const texts = Array.from({ length: 50 }, () => now());
  const after = Date.now();
  assert.ok(calls <= after - before + 1, `${calls} formats within ${after - before} ms`);
  for (const text of texts) {
    assert.ok(text >= sqliteDateTime(new Date(before)) && text <= sqliteDateTime(new Date(after)));
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
  const later = now();
  assert.ok(later > texts.at(-1)!, `${later} after ${texts.at(-1)}`);
});
