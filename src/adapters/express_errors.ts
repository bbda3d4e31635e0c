/**
 * What the Express middleware answers when the commit fails — one function, so a shared mapping
 * (every adapter answering alike) can replace it in one place.
 *
 * @module
 */
import { SessionInterrupted, StoreUnavailable } from "../errors.ts";
import type { Replacement } from "./held_response.ts";

/** How a store outage is answered. */
export interface ErrorPageOptions {
  /**
   * The status answered when the store is down ({@linkcode StoreUnavailable}).
   *
   * @default 503
   */
  unavailableStatus?: number;
  /**
   * The `Retry-After` seconds sent with it.
   *
   * @default 5
   */
  retryAfter?: number;
}

const text = { "content-type": "text/plain; charset=utf-8" };

/**
 * The response for a commit that threw: 400 for a session deleted meanwhile (as Django answers
 * `SessionInterrupted`), 503 with `Retry-After` for a store that is down, 500 otherwise.
 */
export function errorPage(
  error: unknown,
  { unavailableStatus = 503, retryAfter = 5 }: ErrorPageOptions,
): Replacement {
  if (error instanceof SessionInterrupted) {
    return { status: 400, headers: text, body: "Bad Request" };
  }
  if (error instanceof StoreUnavailable) {
    const headers = { ...text, "retry-after": String(retryAfter) };
    return { status: unavailableStatus, headers, body: "Service Unavailable" };
  }
  return { status: 500, headers: text, body: "Internal Server Error" };
}
