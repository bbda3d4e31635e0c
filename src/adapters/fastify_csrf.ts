/**
 * The CSRF half of the Fastify plugin (`./fastify`): Django's `CsrfViewMiddleware.process_view`
 * on Fastify's request — which requests are checked in which hook, the form token of Fastify's
 * parsed body, the route exemption and the refusal.
 *
 * @module
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { CsrfFailure } from "../errors.ts";
import type { CsrfOutcome } from "../csrf/check.ts";
import { csrfFailureBody } from "../csrf/commit.ts";
import { CSRF_FORM_FIELD } from "../csrf/form.ts";
import type { RequestLine } from "./request.ts";

/**
 * The route option the plugin reads: `config: { csrfExempt: true }` skips the CSRF check for that
 * route (Django's `@csrf_exempt`) — for routes that do not rely on the session cookie, e.g. a
 * bearer-token API or a signed webhook. Tokens still work there. Fastify's route `config` takes
 * it as is; to have it checked, declare `interface FastifyContextConfig extends CsrfRouteConfig {}`
 * in your app's `declare module "fastify"` (JSR keeps this module from declaring it).
 *
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import { djangoSession } from "@django-interop/session/fastify";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const app = Fastify();
 * await app.register(djangoSession, { backend: new SignedCookieBackend({ SECRET_KEY: "k" }) });
 * app.post("/webhook", { config: { csrfExempt: true } }, () => "received");
 * app.post("/cart", () => "added");
 * console.log((await app.inject({ method: "POST", url: "/webhook" })).statusCode); // 200
 * console.log((await app.inject({ method: "POST", url: "/cart" })).statusCode); // 403
 * ```
 */
export interface CsrfRouteConfig {
  /**
   * Skip the CSRF check for this route.
   *
   * @default false
   */
  csrfExempt?: boolean;
}

/**
 * Answers a request CSRF refused (Django's `CSRF_FAILURE_VIEW`), as a Fastify handler does: send
 * with `reply`, or return the payload. The reply's status is already 403; `error.reason` is
 * Django's reason.
 */
export type CsrfFailureHandler = (
  error: CsrfFailure,
  request: FastifyRequest,
  reply: FastifyReply,
) => unknown;

/** Django fills `request.POST` for these two content types only. */
const FORM_TYPE = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/**
 * The request as the middleware reads it: the URL with Fastify's `request.protocol` and
 * `request.host` (both honour `trustProxy`).
 *
 * @param request the request
 * @param formToken its form token, or its reader
 * @returns the request line
 */
export function lineOf(
  request: FastifyRequest,
  formToken: RequestLine["formToken"],
): RequestLine {
  const url = `${request.protocol}://${request.host}${request.url}`;
  return { method: request.method, url, headers: request.headers, formToken };
}

/**
 * A POST to a route that is not exempt: its form token is in the body, so it is checked in
 * `preValidation`. Everything else is checked in `onRequest` (Django reads `request.POST` for a
 * POST only).
 *
 * @param request the request
 * @returns whether its check waits for the parsed body
 */
export function checkedLater(request: FastifyRequest): boolean {
  return request.method === "POST" && !exempt(request);
}

/**
 * The route has `config: { csrfExempt: true }`, or there is no route: Django resolves the URL
 * before its check, so a 404 is never refused.
 *
 * @param request the request
 * @returns whether nothing is checked
 */
export function exempt(request: FastifyRequest): boolean {
  return request.is404 || (request.routeOptions.config as CsrfRouteConfig).csrfExempt === true;
}

/**
 * The `csrfmiddlewaretoken` of the parsed body, the last if repeated: `@fastify/formbody`'s
 * strings, `@fastify/multipart`'s `{ type: "field", value }` (`attachFieldsToBody: true`) or
 * strings (`"keyValues"`); a file counts as none, as in Django's `request.POST`.
 *
 * @param request the request, its body parsed
 * @returns the token, or `null` (the header is tried next)
 */
export function formTokenOf(request: FastifyRequest): string | null {
  if (!FORM_TYPE.test(request.headers["content-type"] ?? "")) return null;
  const field = (request.body as Record<string, unknown> | null | undefined)?.[CSRF_FORM_FIELD];
  const last: unknown = Array.isArray(field) ? field[field.length - 1] : field;
  if (typeof last === "string") return last;
  const part = last as { type?: unknown; value?: unknown } | null | undefined;
  return part?.type === "field" && typeof part.value === "string" ? part.value : null;
}

const djangoRefusal: CsrfFailureHandler = (error, _request, reply) =>
  reply.type("text/plain; charset=utf-8").send(csrfFailureBody(error.reason));

/**
 * Answers a refused request from a hook: status 403, then the `csrfFailure` option's answer, or
 * Django's plain-text page.
 *
 * @param request the request
 * @param reply its reply
 * @param outcome the refusal
 * @param csrfFailure the `csrfFailure` option
 * @returns the reply, sent (a hook returns it to stop the request there)
 */
export async function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: Extract<CsrfOutcome, { ok: false }>,
  csrfFailure: CsrfFailureHandler = djangoRefusal,
): Promise<FastifyReply> {
  reply.code(403);
  const answer = await csrfFailure(outcome.error, request, reply);
  if (!reply.sent) reply.send(answer);
  return reply;
}
