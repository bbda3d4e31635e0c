/**
 * What the h3 adapter shares between its two paths: the events of h3 v1 and v2 as it reads them
 * (structural types, so nothing is imported from either h3), its options, and the request state it
 * puts on `event.context`.
 *
 * @module
 */
import { type CsrfFailure, ImproperlyConfigured } from "../errors.ts";
import type { RequestMessages } from "../messages/request_messages.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import type { SessionOptions } from "../http/with_session.ts";
import { csrfFailureResponse } from "../csrf/commit.ts";
import type { CsrfOutcome } from "../csrf/check.ts";
import { closeRequest, failedRequest, type OpenRequest } from "./request.ts";
import type { NodeResponse } from "./held_response.ts";

/** An h3 v2 (Nitro 3) event: a fetch `Request` in, the response's status and headers prepared. */
export interface H3V2Event {
  /** The request. */
  req: Request;
  /** Its URL, as h3 parsed it. */
  url: URL;
  /** The per-request context. */
  context: object;
  /** The response h3 prepares: status and the headers merged into whatever the handler returns. */
  res: { status?: number; headers: Headers; errHeaders: Headers };
}

/** The parts of Node's `IncomingMessage` an h3 v1 event carries that are read here. */
export interface H3V1Request {
  /** The method. */
  method?: string;
  /** The path, relative to the layer's prefix while a layer runs. */
  url?: string;
  /** The path before any prefix was stripped (set by h3 v1's app). */
  originalUrl?: string;
  /** Node's lowercase header object. */
  headers: Record<string, string | string[] | undefined>;
  /** Listens to the body stream. */
  // deno-lint-ignore no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** An h3 v1 (Nitro 2, Nuxt 3/4) event: Node's request and response. */
export interface H3V1Event {
  /** Node's request and response (real ones under `toNodeListener`). */
  node: { req: H3V1Request; res: NodeResponse };
  /** The per-request context. */
  context: object;
}

/** An event of either h3. */
export type H3EventLike = H3V1Event | H3V2Event;

/**
 * What the middleware puts on `event.context` for each request (`django.context(event)` returns
 * it typed).
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user the `user` option finds
 * @example
 * ```ts
 * import type { DjangoContext } from "@django-interop/session/h3";
 * import type { DjangoUser } from "@django-interop/session/auth";
 *
 * async function greeting({ user }: DjangoContext<{ cart?: number[] }, DjangoUser>) {
 *   return `hello ${(await user())?.username ?? "anonymous"}`;
 * }
 * ```
 */
export interface DjangoContext<T extends SessionData = SessionData, U = unknown> {
  /** The request's lazy Django session: no query until `await session.load()`. */
  session: Session<T>;
  /** The request's user from the `user` option, looked up on the first call only. */
  user: () => Promise<U | null>;
  /** Django's `get_token`: a masked CSRF token for a form or header (sends the cookie). */
  csrfToken: () => string;
  /** The request's Django messages, committed before the session. */
  messages: RequestMessages;
}

/** Options of the h3 middleware. */
export interface H3SessionOptions<T extends SessionData = SessionData, U = unknown>
  extends SessionOptions<T, U> {
  /**
   * Which requests skip the CSRF check (Django's `@csrf_exempt`), e.g.
   * `(url) => url.pathname.startsWith("/api/")`. Under h3 v2 a route registered with
   * `{ meta: { csrfExempt: true } }` is exempt too.
   *
   * @default undefined (every unsafe request is checked)
   */
  csrfExempt?: (url: URL, event: H3EventLike) => boolean;
  /**
   * The response to a request CSRF refused (Django's `CSRF_FAILURE_VIEW`); `error.reason` is
   * Django's reason.
   *
   * @default a plain-text 403 with the reason
   */
  csrfFailure?: (error: CsrfFailure, event: H3EventLike) => Response | Promise<Response>;
}

/**
 * Puts the request's state on `event.context`.
 *
 * @param event the event
 * @param open the request's state
 */
export function provide<T extends SessionData, U>(
  event: H3EventLike,
  open: OpenRequest<T, U>,
): void {
  const { session, user, messages, csrf } = open;
  const fields: DjangoContext<T, U> = {
    session,
    user,
    messages,
    csrfToken: () => csrf.csrf.token(),
  };
  Object.assign(event.context, fields);
}

/**
 * The request's state the middleware put on `event.context`.
 *
 * @param event the event
 * @returns the session, user, CSRF token and messages
 * @throws {ImproperlyConfigured} when the middleware did not run for `event`
 */
export function contextOf<T extends SessionData, U>(
  event: { context: object },
): DjangoContext<T, U> {
  const fields = event.context as Partial<DjangoContext<T, U>>;
  if (!fields.session || typeof fields.csrfToken !== "function") {
    throw new ImproperlyConfigured("event.context.session needs app.use(djangoSession(...)) first");
  }
  return fields as DjangoContext<T, U>;
}

/**
 * The URL the CSRF check sees: `https` when `X-Forwarded-Proto` says so, as h3 v1's
 * `getRequestURL` decides by default — so the Referer check of HTTPS requests works behind a
 * TLS-terminating proxy. Trusting it only ever makes the check stricter (an HTTPS request needs a
 * Referer, and its Origin must be `https://` too).
 *
 * @param url the URL h3 reports
 * @param forwarded the `X-Forwarded-Proto` header
 * @returns `url`, or a copy with the `https` scheme
 */
export function csrfUrl(url: URL, forwarded: unknown): URL {
  if (forwarded !== "https" || url.protocol === "https:") return url;
  const secure = new URL(url.href);
  secure.protocol = "https:";
  return secure;
}

/** Whether the request is CSRF-exempt: the option's predicate, or h3 v2's route meta. */
export function isExempt(
  url: URL,
  event: H3EventLike,
  options: Pick<H3SessionOptions, "csrfExempt">,
): boolean {
  const route = (event.context as { matchedRoute?: { meta?: { csrfExempt?: unknown } } })
    .matchedRoute;
  return route?.meta?.csrfExempt === true || (options.csrfExempt?.(url, event) ?? false);
}

/**
 * The answer to a refused request (the `csrfFailure` option's, or Django's 403), committed as any
 * response: Django's middleware answers it too.
 *
 * @param open the request's state
 * @param refusal its CSRF outcome
 * @param event the event
 * @param options the options
 * @returns the response to send
 */
export async function refused<T extends SessionData, U>(
  open: OpenRequest<T, U>,
  refusal: Extract<CsrfOutcome, { ok: false }>,
  event: H3EventLike,
  options: H3SessionOptions<T, U>,
): Promise<Response> {
  try {
    const answer = await options.csrfFailure?.(refusal.error, event) ??
      csrfFailureResponse(refusal.reason);
    return await closeRequest(open, answer);
  } catch (error) {
    return failedRequest(error, options);
  }
}
