/**
 * The operation timeout of every store call (`guarded`): a call that does not answer fails with
 * `StoreUnavailable` once its own timeout has passed, never earlier, even when calls with the same
 * timeout share one timer; an answer in time, a driver error, a synchronous throw and our own errors
 * each come back as they should.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SessionInterrupted, StoreUnavailable } from "../../../src/errors.ts";
import { guarded } from "../../../src/stores/timeout.ts";

const never = () => new Promise<never>(() => {});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When `promise` settled (ms since `start`) and with what. */
async function settled(promise: Promise<unknown>, start: number) {
  try {
    return { value: await promise, at: performance.now() - start };
  } catch (error) {
    return { error, at: performance.now() - start };
  }
}

test("a call that does not answer fails with StoreUnavailable after its timeout", async () => {
  const start = performance.now();
  const { error, at } = await settled(guarded("load", never, 40), start);
  assert.ok(error instanceof StoreUnavailable);
  assert.match(error.message, /load/);
  assert.match(String(error.cause), /no answer within 40 ms/);
  assert.ok(at >= 39, `failed after ${at} ms`);
});

test("calls sharing a timeout each fail at their own deadline, not at the first one's", async () => {
  const start = performance.now();
  const first = settled(guarded("first", never, 60), start);
  await sleep(30);
  const second = settled(guarded("second", never, 60), start);
  const answered = guarded("answered", () => sleep(10).then(() => "row"), 60);
  assert.equal(await answered, "row");
  const [a, b] = await Promise.all([first, second]);
  assert.ok(a.error instanceof StoreUnavailable && b.error instanceof StoreUnavailable);
  assert.ok(a.at >= 59, `first failed after ${a.at} ms`);
  assert.ok(b.at >= 89, `second failed after ${b.at} ms, before its own 60 ms had passed`);
});

test("later calls are still watched after every earlier one answered", async () => {
  assert.equal(await guarded("quick", () => Promise.resolve(1), 30), 1);
  const start = performance.now();
  const { error, at } = await settled(guarded("slow", never, 30), start);
  assert.ok(error instanceof StoreUnavailable);
  assert.ok(at >= 29, `failed after ${at} ms`);
});

test("a call made while an idle timer is still armed fails at its own deadline, not when it fires", async () => {
  assert.equal(await guarded("quick", () => Promise.resolve(1), 60), 1); // arms the timer for 60 ms
  await sleep(30);
  const start = performance.now();
  const { error, at } = await settled(guarded("slow", never, 60), start);
  assert.ok(error instanceof StoreUnavailable);
  assert.ok(at >= 59, `failed after ${at} ms, when the timer armed 30 ms earlier fired`);
});

test("driver errors and synchronous throws become StoreUnavailable; ours pass through", async () => {
  const refused = new Error("ECONNREFUSED");
  const failed = await settled(guarded("save", () => Promise.reject(refused), 1000), 0);
  assert.ok(failed.error instanceof StoreUnavailable);
  assert.equal(failed.error.cause, refused);
  const thrown = await settled(
    guarded("save", () => {
      throw refused;
    }, 1000),
    0,
  );
  assert.ok(thrown.error instanceof StoreUnavailable);
  const ours = new SessionInterrupted("k");
  assert.equal((await settled(guarded("save", () => Promise.reject(ours), 1000), 0)).error, ours);
});

test("a timeout of 0 or Infinity waits as long as the driver does", async () => {
  for (const timeout of [0, Infinity]) {
    assert.equal(await guarded("load", () => sleep(20).then(() => "late"), timeout), "late");
  }
});
