/**
 * The HTTP answer to each session error, in one place for `withSession`, the Hono adapter and every
 * adapter to come (Express, Fastify, Koa…): they call {@linkcode errorResponse} (or
 * {@linkcode errorStatus} where the framework builds its own response) and rethrow what it does not
 * know.
 *
 * | error | status | why |
 * | --- | --- | --- |
 * | `SessionInterrupted` | 400 | Django's `SessionMiddleware` answers `SessionInterrupted` so |
 * | `StoreUnavailable` | 503 + `Retry-After` | the store is down: the request may succeed later |
 * | `SessionUnreadable` | 500 | verified data we cannot use: nothing is saved, the row is kept |
 *
 * @module
 */
import { SessionInterrupted, SessionUnreadable, StoreUnavailable } from "../errors.ts";

/** How session errors are answered. */
export interface ErrorResponseOptions {
  /**
   * The `Retry-After` seconds sent with a 503 for `StoreUnavailable`; `false` sends none.
   *
   * @default {5}
   */
  retryAfter?: number | false;
}

/** The status, headers and plain-text body for one of the session errors. */
export interface ErrorStatus {
  /** The HTTP status. */
  status: 400 | 500 | 503;
  /** Headers to send with it (`Retry-After` for a 503). */
  headers: Record<string, string>;
  /** The reason phrase, as the body. */
  body: string;
}

const TEXT: Record<ErrorStatus["status"], string> = {
  400: "Bad Request",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * The status for a session error, or `null` for any other error (the caller rethrows it).
 *
 * @param error what was thrown
 * @param options the `Retry-After` setting
 * @returns the status and headers, or `null`
 * @example
 * ```ts
 * import { StoreUnavailable } from "@django-interop/session";
 * import { errorStatus } from "@django-interop/session/http";
 * errorStatus(new StoreUnavailable("load", new Error("ECONNREFUSED")));
 * // { status: 503, headers: { "retry-after": "5" }, body: "Service Unavailable" }
 * ```
 */
export function errorStatus(
  error: unknown,
  options: ErrorResponseOptions = {},
): ErrorStatus | null {
  const { retryAfter = 5 } = options;
  if (error instanceof SessionInterrupted) return { status: 400, headers: {}, body: TEXT[400] };
  if (error instanceof SessionUnreadable) return { status: 500, headers: {}, body: TEXT[500] };
  if (error instanceof StoreUnavailable) {
    return {
      status: 503,
      headers: retryAfter === false ? {} : { "retry-after": String(Math.ceil(retryAfter)) },
      body: TEXT[503],
    };
  }
  return null;
}

/**
 * The plain-text `Response` for a session error, or `null` for any other error.
 *
 * @param error what was thrown
 * @param options the `Retry-After` setting
 * @returns the response, or `null`
 * @example
 * ```ts
 * import { StoreUnavailable } from "@django-interop/session";
 * import { errorResponse } from "@django-interop/session/http";
 * const response = errorResponse(new StoreUnavailable("load", new Error("timeout")));
 * console.log(response?.status, response?.headers.get("retry-after")); // 503 5
 * ```
 */
export function errorResponse(error: unknown, options: ErrorResponseOptions = {}): Response | null {
  const found = errorStatus(error, options);
  if (found === null) return null;
  return new Response(found.body, { status: found.status, headers: found.headers });
}
