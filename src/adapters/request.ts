/**
 * One request through Django's default middleware order, for the fetch-style adapters
 * (`withSession`, Hono): `SessionMiddleware` then `CsrfViewMiddleware` before the handler, and
 * their `process_response` in reverse order after it — CSRF first, since with `CSRF_USE_SESSIONS`
 * it writes into the session the session's commit then saves.
 *
 * @module
 */
import type { CsrfFailure } from "../errors.ts";
import { commitSession, sessionKeyOf } from "../http/respond.ts";
import { errorResponse, type ErrorResponseOptions } from "../http/error_response.ts";
import { lazyUser, type SessionOptions, withCookies } from "../http/with_session.ts";
import { type RequestMessages, requestMessages } from "../messages/request_messages.ts";
import { csrfCheck, type CsrfOutcome } from "../csrf/check.ts";
import { commitCsrf, csrfFailureResponse } from "../csrf/commit.ts";
import { formTokenReader } from "../csrf/form.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";

/** Answers a request CSRF refused: Django's `CSRF_FAILURE_VIEW`. */
export type CsrfFailureView = (
  error: CsrfFailure,
  request: Request,
) => Response | Promise<Response>;

/** The session middleware's options, and how CSRF refusals are answered. */
export interface RequestOptions<T extends SessionData = SessionData, U = unknown>
  extends SessionOptions<T, U> {
  /**
   * The response to a request CSRF refused (Django's `CSRF_FAILURE_VIEW`); `error.reason` is
   * Django's reason.
   *
   * @default a plain-text 403 with the reason
   */
  csrfFailure?: CsrfFailureView;
}

/** One request's session, user and CSRF state, between "before" and "after". */
export interface OpenRequest<T extends SessionData, U> {
  session: Session<T>;
  user: () => Promise<U | null>;
  cookieSent: boolean;
  csrf: CsrfOutcome;
  messages: RequestMessages;
}

/**
 * The "before" step: the lazy session, the lazy user, the CSRF check.
 *
 * @param request the request
 * @param options the backend, the user loader
 * @param exempt whether the route is CSRF-exempt
 * @returns the request's state
 */
export async function openRequest<T extends SessionData, U>(
  request: Request,
  options: RequestOptions<T, U>,
  exempt: boolean,
): Promise<OpenRequest<T, U>> {
  const { backend } = options;
  const key = sessionKeyOf(request, backend.settings);
  const session = backend.getSession(key);
  const user = lazyUser(session as Session<SessionData>, options.user);
  const { method, url, headers } = request;
  const formToken = formTokenReader(request);
  const csrf = await csrfCheck({ method, url, headers, formToken, exempt }, session);
  const messages = requestMessages(session, headers.get("cookie"));
  return { session, user, cookieSent: key !== null, csrf, messages };
}

/**
 * The response to a refused request: the `csrfFailure` option's, or Django's 403.
 *
 * @param request the request
 * @param outcome the refusal
 * @param options the options
 * @returns the response
 */
export function refusal(
  request: Request,
  outcome: Extract<CsrfOutcome, { ok: false }>,
  options: Pick<RequestOptions, "csrfFailure">,
): Response | Promise<Response> {
  return options.csrfFailure?.(outcome.error, request) ?? csrfFailureResponse(outcome.reason);
}

/**
 * The "after" step: the CSRF cookie (or `_csrftoken` in the session), then the session's commit.
 *
 * @param open the request's state
 * @param response the handler's response (or the refusal)
 * @returns the response with the cookies and `Vary`
 */
export async function closeRequest<T extends SessionData, U>(
  open: OpenRequest<T, U>,
  response: Response,
): Promise<Response> {
  const { session } = open;
  // Django's MessageMiddleware and CsrfViewMiddleware answer before SessionMiddleware, so the
  // session saves what they put in it.
  const cookies = await open.messages.commit();
  const withCsrf = commitCsrf(open.csrf.csrf, response, session.settings);
  return withCookies(await commitSession(session, withCsrf, open.cookieSent), cookies);
}

/**
 * The answer to what the handler, the CSRF check or the commit threw: `errorResponse`'s for the
 * session errors (400, 503 with the `retryAfter` option's `Retry-After`, 500), saving nothing;
 * any other error is rethrown.
 *
 * @param error what was thrown
 * @param options the `retryAfter` option
 * @returns the response
 * @throws {unknown} `error`, when it is not a session error
 */
export function failedRequest(error: unknown, options: ErrorResponseOptions): Response {
  const response = errorResponse(error, options);
  if (response === null) throw error;
  return response;
}
