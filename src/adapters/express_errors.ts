/**
 * What the Express middleware answers when the commit fails — one function, so a shared mapping
 * (every adapter answering alike) can replace it in one place.
 *
 * @module
 */
import { type ErrorResponseOptions, errorStatus } from "../http/error_response.ts";
import type { Replacement } from "./held_response.ts";

/** How a store outage is answered: the shared `retryAfter`, and the status. */
export interface ErrorPageOptions extends ErrorResponseOptions {
  /**
   * The status answered when the store is down (`StoreUnavailable`).
   *
   * @default 503
   */
  unavailableStatus?: number;
}

const text = { "content-type": "text/plain; charset=utf-8" };

/**
 * The response for a commit that threw: the shared mapping (`errorStatus`: 400 for a session
 * deleted meanwhile, as Django answers `SessionInterrupted`; 503 with `Retry-After` for a store
 * that is down; 500 for a session that cannot be read), and 500 for anything else.
 */
export function errorPage(error: unknown, options: ErrorPageOptions): Replacement {
  const found = errorStatus(error, options);
  if (found === null) return { status: 500, headers: text, body: "Internal Server Error" };
  const status = found.status === 503 ? options.unavailableStatus ?? 503 : found.status;
  return { status, headers: { ...text, ...found.headers }, body: found.body };
}
