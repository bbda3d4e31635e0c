/**
 * How the Fastify and Koa adapters answer session errors: `SessionInterrupted` → 400, as Django's
 * `SessionMiddleware` does; `StoreUnavailable` → 503 with `Retry-After` (the request may succeed
 * later). Internal: the same contract as the shared mapping being added to src/http/, which
 * replaces this file when it lands.
 *
 * @module
 */
import { SessionInterrupted, StoreUnavailable } from "../errors.ts";

/** How session errors are answered. */
export interface ErrorResponseOptions {
  /**
   * The `Retry-After` seconds sent with a 503 for `StoreUnavailable`; `false` sends none.
   *
   * @default {5}
   */
  retryAfter?: number | false;
}

/** The status, headers and plain-text body for a session error. */
export interface ErrorStatus {
  /** The HTTP status. */
  status: 400 | 503;
  /** Headers to send with it (`Retry-After` for a 503). */
  headers: Record<string, string>;
  /** The reason phrase, as the body. */
  body: string;
}

/**
 * The answer to a session error, or `null` for any other error (the caller rethrows it).
 *
 * @param error what was thrown
 * @param options the `Retry-After` setting
 * @returns the status, headers and body, or `null`
 */
export function errorStatus(
  error: unknown,
  options: ErrorResponseOptions = {},
): ErrorStatus | null {
  const { retryAfter = 5 } = options;
  if (error instanceof SessionInterrupted) {
    return { status: 400, headers: {}, body: "Bad Request" };
  }
  if (error instanceof StoreUnavailable) {
    const headers: Record<string, string> = retryAfter === false
      ? {}
      : { "retry-after": String(Math.ceil(retryAfter)) };
    return { status: 503, headers, body: "Service Unavailable" };
  }
  return null;
}
