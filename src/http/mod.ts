/**
 * The building blocks of Django's `SessionMiddleware`, for writing an adapter: the pure cookie layer
 * (Python's `http.cookies` parse and format), the pure commit decision over Django's flags, and the
 * steps that bind them to a request and a response.
 *
 * @example
 * ```ts
 * import { parseCookie, serializeCookie } from "@django-interop/session/http";
 * parseCookie("sessionid=abc; csrftoken=x").get("sessionid"); // "abc"
 * serializeCookie("sessionid", "abc", { path: "/", httpOnly: true }); // "sessionid=abc; HttpOnly; Path=/"
 * ```
 *
 * @module
 */
export {
  type CookieAttributes,
  type DjangoCookie,
  httpDate,
  isLegalCookieName,
  parseCookie,
  serializeCookie,
} from "../primitives/cookie.ts";
export {
  type CommitDecision,
  type CommitInput,
  decideCommit,
  deletionCookie,
  sessionCookie,
  varyOnCookie,
} from "./commit.ts";
export {
  commitHeaders,
  commitSession,
  type HeaderUpdate,
  type HeaderValue,
  type SessionHeaders,
  sessionHeaderUpdates,
  sessionKeyOf,
  sessionKeyOfHeader,
  withCookie,
  withSessionCookie,
} from "./respond.ts";
export {
  errorResponse,
  type ErrorResponseOptions,
  type ErrorStatus,
  errorStatus,
} from "./error_response.ts";
export { sessionOfHeaders } from "./with_session.ts";
