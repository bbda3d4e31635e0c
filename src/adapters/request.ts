/**
 * One request through Django's default middleware order, for every adapter: `SessionMiddleware`
 * then `CsrfViewMiddleware` (and `MessageMiddleware`'s storage) before the handler, and their
 * `process_response` in reverse order after it — messages and CSRF first, since they may write into
 * the session the session's commit then saves. Fetch-style adapters (`withSession`, Hono) use
 * {@linkcode openRequest}/{@linkcode closeRequest}; those with a mutable response (Express,
 * Fastify, Koa) {@linkcode openRequestLine}/{@linkcode closeHeaders}.
 *
 * @module
 */
import type { CsrfFailure } from "../errors.ts";
import {
  commitHeadersNow,
  commitSessionNow,
  type HeaderUpdate,
  headerUpdates,
  type HeaderValue,
  type SessionHeaders,
  sessionKeyOfHeader,
} from "../http/respond.ts";
import { errorResponse, type ErrorResponseOptions } from "../http/error_response.ts";
import { lazyUser, type SessionOptions, withCookies } from "../http/with_session.ts";
import { type RequestMessages, requestMessages } from "../messages/request_messages.ts";
import { type CsrfOutcome, csrfOutcome, type CsrfRequest } from "../csrf/check.ts";
import { headerOf, type HeaderSource } from "../csrf/origin.ts";
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

/** A request as the middleware reads it, whatever object the framework hands out. */
export interface RequestLine {
  /** The method, e.g. `"POST"`. */
  method: string;
  /** The absolute URL, with the scheme the framework reports (its proxy settings applied). */
  url: string;
  /** A `Headers`, or Node's lowercase header object. */
  headers: HeaderSource;
  /**
   * The `csrfmiddlewaretoken` form field, or a function reading it (called only for a POST that
   * reaches the token check); `null` when the body is no parsed form.
   */
  formToken: CsrfRequest["formToken"];
}

/** How a framework's request gives its absolute URL and its parsed form's `csrfmiddlewaretoken`. */
export interface LineReader<R> {
  /** The absolute URL, with the scheme the framework reports. */
  url(request: R): string;
  /** The form token from the body the framework's parsers made, or `null`. */
  formToken(request: R): string | null;
}

/**
 * A {@linkcode RequestLine} whose URL and form token are read from the framework's request only
 * when the CSRF check asks (an unsafe method): getters on a class and one reader for every
 * request, so a request pays for one object, not for closures.
 */
export class LazyRequestLine<R> implements RequestLine {
  readonly #request: R;
  readonly #reader: LineReader<R>;
  readonly method: string;
  readonly headers: HeaderSource;

  /**
   * @param request the framework's request
   * @param method its method
   * @param headers its headers
   * @param reader how its URL and form token are read
   */
  constructor(request: R, method: string, headers: HeaderSource, reader: LineReader<R>) {
    this.#request = request;
    this.#reader = reader;
    this.method = method;
    this.headers = headers;
  }

  /** The absolute URL. */
  get url(): string {
    return this.#reader.url(this.#request);
  }

  /** The form's `csrfmiddlewaretoken`, or `null`. */
  formToken(): string | null {
    return this.#reader.formToken(this.#request);
  }
}

/**
 * The "before" step for a fetch `Request`: {@linkcode openRequestLine} with the form token read
 * from a clone of the body.
 *
 * @param request the request
 * @param options the backend, the user loader
 * @param exempt whether the route is CSRF-exempt
 * @returns the request's state
 */
export function openRequest<T extends SessionData, U>(
  request: Request,
  options: RequestOptions<T, U>,
  exempt: boolean,
): OpenRequest<T, U> | Promise<OpenRequest<T, U>> {
  const { method, url, headers } = request;
  const line = { method, url, headers, formToken: formTokenReader(request) };
  return openRequestLine(line, options, exempt);
}

/**
 * The "before" step: the lazy session, the lazy user, the messages, the CSRF check. Synchronous
 * when the CSRF check is (a safe method or an exempt route, without `CSRF_USE_SESSIONS`), so the
 * adapter can route without a promise.
 *
 * @param line the method, URL, headers and form token
 * @param options the backend, the user loader
 * @param exempt whether the route is CSRF-exempt
 * @returns the request's state, or a promise of it
 * @throws {StoreUnavailable} (rejected) when `CSRF_USE_SESSIONS` and the session cannot be loaded
 */
export function openRequestLine<T extends SessionData, U>(
  line: RequestLine,
  options: RequestOptions<T, U>,
  exempt: boolean,
): OpenRequest<T, U> | Promise<OpenRequest<T, U>> {
  const { backend } = options;
  const cookie = headerOf(line.headers, "cookie");
  const key = sessionKeyOfHeader(cookie, backend.settings);
  const session = backend.getSession(key);
  const csrf = csrfOutcome(line, session, exempt);
  const cookieSent = key !== null;
  return csrf instanceof Promise
    ? csrf.then((outcome) => requestState(session, options, cookie, cookieSent, outcome))
    : requestState(session, options, cookie, cookieSent, csrf);
}

function requestState<T extends SessionData, U>(
  session: Session<T>,
  options: RequestOptions<T, U>,
  cookie: string | null,
  cookieSent: boolean,
  csrf: CsrfOutcome,
): OpenRequest<T, U> {
  const user = lazyUser(session as Session<SessionData>, options.user);
  const messages = requestMessages(session, cookie);
  return { session, user, cookieSent, csrf, messages };
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
export function closeRequest<T extends SessionData, U>(
  open: OpenRequest<T, U>,
  response: Response,
): Response | Promise<Response> {
  // Django's MessageMiddleware and CsrfViewMiddleware answer before SessionMiddleware, so the
  // session saves what they put in it. A read has nothing to wait for: no promise is made.
  if (!open.messages.pending) return closeAfterMessages(open, response, NO_COOKIES);
  return open.messages.commit().then((cookies) => closeAfterMessages(open, response, cookies));
}

const NO_COOKIES: readonly string[] = [];

function closeAfterMessages<T extends SessionData, U>(
  open: OpenRequest<T, U>,
  response: Response,
  cookies: readonly string[],
): Response | Promise<Response> {
  const { session } = open;
  const withCsrf = commitCsrf(open.csrf.csrf, response, session.settings);
  const committed = commitSessionNow(session, withCsrf, open.cookieSent);
  return committed instanceof Promise
    ? committed.then((saved) => withCookies(saved, cookies))
    : withCookies(committed, cookies);
}

/**
 * The "after" step for a mutable response (Node's `ServerResponse`, Fastify's `reply`, Koa's
 * `ctx`): the messages' cookies, the CSRF cookie (or `_csrftoken` in the session), then the
 * session's commit, as the header values to set. Synchronous when nothing is saved, so a held
 * response can leave at once; nothing for a status below 200 (an upgrade).
 *
 * @param open the request's state
 * @param status the response status
 * @param current reads the response's current value of a header
 * @returns `[name, value]` pairs, each replacing the header's value
 * @throws {SessionInterrupted} when the session was deleted meanwhile (answer 400)
 * @throws {StoreUnavailable} when a store is down (answer 503)
 */
export function closeHeaders<T extends SessionData, U>(
  open: OpenRequest<T, U>,
  status: number,
  current: (header: "set-cookie" | "vary") => HeaderValue,
): HeaderUpdate[] | Promise<HeaderUpdate[]> {
  if (status < 200) return [];
  if (!open.messages.pending) return afterMessages(open, status, current, []);
  return open.messages.commit().then((cookies) => afterMessages(open, status, current, cookies));
}

function afterMessages<T extends SessionData, U>(
  open: OpenRequest<T, U>,
  status: number,
  current: (header: "set-cookie" | "vary") => HeaderValue,
  cookies: string[],
): HeaderUpdate[] | Promise<HeaderUpdate[]> {
  const csrf = open.csrf.csrf.commit();
  const session = commitHeadersNow(open.session, open.cookieSent, status);
  // No named closure: esbuild's keepNames (tsx) would name it on every request.
  return session instanceof Promise
    ? session.then((saved) => updatesFor(open, current, cookies, csrf, saved))
    : updatesFor(open, current, cookies, csrf, session);
}

function updatesFor<T extends SessionData, U>(
  open: OpenRequest<T, U>,
  current: (header: "set-cookie" | "vary") => HeaderValue,
  cookies: string[],
  csrf: SessionHeaders,
  session: SessionHeaders,
): HeaderUpdate[] {
  const { settings } = open.session;
  return headerUpdates(current, cookies, [
    [settings.CSRF_COOKIE_NAME, csrf],
    [settings.SESSION_COOKIE_NAME, session],
  ]);
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
