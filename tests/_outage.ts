/**
 * The outage scenario of issue 14, point 6, for any store behind `withSession`: sessions are written
 * and acknowledged, the server is killed, requests go on, the server comes back. Each request during
 * the outage must answer 503 (`StoreUnavailable`) within the operation timeout plus slack, the first
 * one after the restart must succeed, and every acknowledged write must read back. The figures are
 * returned (and printed by the caller); the bounds are generous, as this proves a bounded failure,
 * not a speed.
 */
import assert from "node:assert/strict";
import { withSession } from "../src/adapters/fetch.ts";
import type { SessionBackend } from "../src/session/backend.ts";

/** The operation timeout the outage tests configure. */
export const OPERATION_TIMEOUT = 1000;
/** What a noisy 2-core machine may add to it before an answer counts as late. */
const SLACK = 4000;

/** What one outage run measured, in milliseconds. */
export interface OutageFigures {
  /** Slowest answer during the outage (each was a 503). */
  slowestFailure: number;
  /** The first request after the server was back (it succeeded). */
  firstRecovery: number;
  /** Requests answered 503 during the outage. */
  failed: number;
  /** Writes acknowledged (before, and after the restart), all read back. */
  acknowledged: number;
}

/**
 * Runs the scenario: `kill` and `restart` stop and start the server; `requests` are made during the
 * outage (writes when `writes`, else loads of an existing session).
 */
export async function outageRun(
  backend: SessionBackend,
  server: { kill(): Promise<void>; start(): Promise<void> },
  { requests = 5, writes = true } = {},
): Promise<OutageFigures> {
  const handler = withSession({ backend, retryAfter: 1 }, async (request, { session }) => {
    await session.load();
    const value = new URL(request.url).searchParams.get("set");
    if (value !== null) session.set("value", value);
    return new Response(String(session.get("value") ?? ""));
  });
  const call = async (key: string | null, set?: string) => {
    const started = performance.now();
    // Without an operation timeout a hung server holds the request for good: fail instead.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no answer in 10 s")), 10_000);
    });
    const response = await Promise.race([
      hung,
      handler(
        new Request(`http://app.test/${set === undefined ? "" : `?set=${set}`}`, {
          headers: key ? { cookie: `sessionid=${key}` } : {},
        }),
      ),
    ]).finally(() => clearTimeout(timer));
    const cookie = /sessionid=([a-z0-9]+)/.exec(response.headers.get("set-cookie") ?? "");
    return {
      status: response.status,
      body: await response.text(),
      key: cookie?.[1] ?? key,
      retryAfter: response.headers.get("retry-after"),
      ms: performance.now() - started,
    };
  };
  const acknowledged = new Map<string, string>();
  for (let i = 0; i < 5; i++) {
    const { status, key } = await call(null, `before-${i}`);
    assert.equal(status, 200);
    acknowledged.set(key!, `before-${i}`);
  }
  const [someKey] = acknowledged.keys();
  await server.kill();
  let slowestFailure = 0;
  for (let i = 0; i < requests; i++) {
    const answer = writes ? await call(someKey, `during-${i}`) : await call(someKey);
    assert.equal(
      answer.status,
      503,
      `request ${i} during the outage: ${answer.status} ${answer.body} ${answer.ms}`,
    );
    assert.equal(answer.retryAfter, "1");
    assert.ok(answer.ms < OPERATION_TIMEOUT + SLACK, `request ${i} took ${answer.ms} ms`);
    slowestFailure = Math.max(slowestFailure, answer.ms);
  }
  await server.start();
  const first = await call(someKey, "after");
  assert.equal(first.status, 200, `the first request after the restart: ${first.body}`);
  acknowledged.set(someKey, "after");
  for (const [key, value] of acknowledged) {
    assert.equal((await call(key)).body, value, `acknowledged write of ${key}`);
  }
  return {
    slowestFailure: Math.round(slowestFailure),
    firstRecovery: Math.round(first.ms),
    failed: requests,
    acknowledged: acknowledged.size,
  };
}
