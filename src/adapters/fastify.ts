/**
 * Fastify plugin: Django's session on `request.session`, the user on `request.user()`, Django's
 * CSRF protection (on by default, `request.csrfToken()`) and messages (`request.messages`),
 * committed as Django's `SessionMiddleware`, `CsrfViewMiddleware` and `MessageMiddleware` do. Its
 * own subpath export (`./fastify`), so the main entry never needs Fastify.
 *
 * Timing, as `@fastify/session` does it: an `onRequest` hook hands out the lazy session (no query
 * unless a handler loads it), the messages and the CSRF state, and refuses an unsafe request whose
 * Origin, Referer or `X-CSRFToken` does not pass; a POST, whose token may be a form field, is
 * checked in `preValidation`, once Fastify has parsed the body. An `onSend` hook — which
 * runs for `reply.send`, `reply.redirect`, streams, 404s and error replies, before any header
 * leaves — sets the messages' and the CSRF cookies and saves the session, with `Set-Cookie` and
 * `Vary`. A handler that threw (seen by the `onError` hook) saves nothing. A reply taken over with
 * `reply.hijack()` skips `onSend`: call {@linkcode commitHijacked} before writing its head.
 *
 * The form token (`csrfmiddlewaretoken`) is read from the parsed body of an
 * `application/x-www-form-urlencoded` POST (register `@fastify/formbody`) or a
 * `multipart/form-data` one (register `@fastify/multipart` with `attachFieldsToBody`, BEFORE this
 * plugin: it parses in its own `preValidation` hook); JSON and `fetch` clients send the
 * `X-CSRFToken` header. The URL's scheme is `request.protocol`: behind a TLS proxy, set Fastify's
 * `trustProxy` so that an HTTPS request gets Django's strict Referer check. A route opts out with
 * `config: { csrfExempt: true }` (Django's `@csrf_exempt`, see {@linkcode CsrfRouteConfig}).
 *
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import formbody from "@fastify/formbody";
 * import type { Session } from "@django-interop/session";
 * import { djangoSession } from "@django-interop/session/fastify";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const app = Fastify();
 * await app.register(formbody);
 * await app.register(djangoSession, {
 *   backend: new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" }),
 * });
 * app.get("/", async (request) => {
 *   const session = await request.getDecorator<Session>("session").load();
 *   session.set("visits", Number(session.get("visits") ?? 0) + 1);
 *   return { visits: session.get("visits") };
 * });
 * app.post("/", () => "posted");
 * const response = await app.inject("/");
 * console.log(response.json(), response.headers.vary); // { visits: 1 } Cookie
 * const forged = await app.inject({ method: "POST", url: "/", payload: "a=1",
 *   headers: { "content-type": "application/x-www-form-urlencoded" } });
 * console.log(forged.statusCode, forged.body.split("\n")[3]); // 403 CSRF cookie not set.
 * ```
 *
 * @module
 */
import fastifyPlugin from "fastify-plugin";
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from "fastify";
import { ImproperlyConfigured } from "../errors.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import type { SessionOptions as WithSessionOptions } from "../http/with_session.ts";
import { type ErrorResponseOptions, errorStatus } from "../http/error_response.ts";
import type { RequestMessages } from "../messages/request_messages.ts";
import { csrfCheck } from "../csrf/check.ts";
import { closeHeaders, type OpenRequest, openRequestLine } from "./request.ts";
import { answerError, failedCommit, replaced, setHeaders } from "./fastify_reply.ts";
import { anonymousResponse, type LoginRequiredOptions } from "../auth/login_required.ts";
import {
  checkedLater,
  type CsrfFailureHandler,
  exempt,
  formTokenOf,
  lineOf,
  refuse,
} from "./fastify_csrf.ts";

export type { CsrfFailureHandler, CsrfRouteConfig } from "./fastify_csrf.ts";

/**
 * The fields the plugin puts on every request. Give them their types in your app with one
 * declaration (your session's shape and your user type):
 * `declare module "fastify" { interface FastifyRequest extends DjangoSessionRequest<MyData, DjangoUser> {} }`
 * — or, without it, read them with Fastify's typed `request.getDecorator<Session>("session")`.
 * This module cannot declare them itself: JSR refuses packages that augment another module's types
 * (`unsupported-ambient-module`), and only the app knows `T` and `U`. The names are Django's
 * (`request.session`, `request.user`): do not register `@fastify/session` or a plugin that
 * decorates `request.user` (`@fastify/passport`, `@fastify/jwt`'s default) in the same scope.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user type that the `user` option returns
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import type { DjangoSessionRequest } from "@django-interop/session/fastify";
 *
 * type Cart = DjangoSessionRequest<{ cart: number[] }>;
 * Fastify().get("/cart", async (request) => {
 *   const session = await request.getDecorator<Cart["session"]>("session").load();
 *   return session.get("cart") ?? [];
 * });
 * ```
 */
export interface DjangoSessionRequest<T extends SessionData = SessionData, U = unknown> {
  /** The request's lazy Django session (`await request.session.load()` before reading it). */
  session: Session<T>;
  /** The request's user from the `user` option, looked up on the first call only. */
  user(): Promise<U | null>;
  /**
   * Django's `get_token(request)`: a masked token for a form's hidden `csrfmiddlewaretoken` input
   * or an `X-CSRFToken` header; calling it sends the `csrftoken` cookie with the reply.
   */
  csrfToken(): string;
  /** The request's Django messages (`messages.info("…")`, `messages.list()`), saved with the reply. */
  messages: RequestMessages;
}

/** Options of {@linkcode djangoSession}: the backend, the user loader, CSRF refusals, `Retry-After`. */
export interface DjangoSessionOptions<T extends SessionData = SessionData, U = unknown>
  extends WithSessionOptions<T, U>, ErrorResponseOptions {
  /**
   * The answer to a request CSRF refused, e.g.
   * `(error, _request, reply) => reply.type("text/html").send(page(error.reason))`.
   *
   * @default Django's plain-text 403 with the reason
   */
  csrfFailure?: CsrfFailureHandler;
}

/** What one request carries from `onRequest` to `onSend`. */
interface RequestState extends OpenRequest<SessionData, unknown> {
  /** What a handler or hook threw, seen by `onError`: such a request saves nothing. */
  error?: unknown;
}

const states = new WeakMap<FastifyRequest, RequestState>();

/** Hands the request its fields and goes on, or answers the CSRF refusal. */
function opened(
  request: FastifyRequest,
  reply: FastifyReply,
  state: RequestState,
  options: DjangoSessionOptions,
  done: (error?: Error) => void,
): void {
  const fields = request as unknown as DjangoSessionRequest;
  fields.session = state.session;
  fields.user = state.user;
  fields.csrfToken = () => state.csrf.csrf.token();
  fields.messages = state.messages;
  states.set(request, state);
  if (state.csrf.ok) done();
  else refuse(request, reply, state.csrf, options.csrfFailure).catch(done);
}

function djangoSessionPlugin(
  fastify: FastifyInstance,
  options: DjangoSessionOptions,
  done: (error?: Error) => void,
) {
  // Declared up front (null), as Fastify wants, so requests keep one shape; a second registration
  // in a sibling scope reuses them.
  for (const field of ["session", "user", "csrfToken", "messages"]) {
    if (!fastify.hasRequestDecorator(field)) fastify.decorateRequest(field, null as never);
  }
  // openRequestLine's options without our Fastify-shaped csrfFailure (refuse() answers).
  const opening = { backend: options.backend, user: options.user };

  // Callback hooks (not async ones): a GET pays for no promise beyond openRequestLine's.
  fastify.addHook("onRequest", function openSession(request, reply, done) {
    const skip = exempt(request) || checkedLater(request);
    let open;
    try {
      open = openRequestLine(lineOf(request, null), opening, skip);
    } catch (error) {
      return answerError(reply, error, options, done);
    }
    if (!(open instanceof Promise)) return opened(request, reply, open, options, done);
    open.then(
      (state) => opened(request, reply, state, options, done),
      (error) => answerError(reply, error, options, done),
    );
  });

  fastify.addHook("preValidation", function checkForm(request, reply, done) {
    const state = states.get(request);
    if (!state || !checkedLater(request)) return done();
    // Django's process_view once the body is parsed. The secret is read again from the same
    // cookie (or session): this CsrfContext replaces onRequest's, which served only the hooks
    // before this one.
    csrfCheck(lineOf(request, () => formTokenOf(request)), state.session).then((csrf) => {
      state.csrf = csrf;
      if (csrf.ok) done();
      else refuse(request, reply, csrf, options.csrfFailure).catch(done);
    }, done);
  });

  fastify.addHook("onError", function rememberError(request, _reply, error, done) {
    const state = states.get(request);
    if (state) state.error = error;
    done();
  });

  fastify.addHook("onSend", function commitOnSend(request, reply, payload, done) {
    const state = states.get(request);
    if (!state) return done(null, payload);
    if ("error" in state) {
      const answer = errorStatus(state.error, options);
      return done(null, answer ? replaced(reply, payload, answer) : payload);
    }
    try {
      const updates = closeHeaders(state, reply.statusCode, (h) => reply.getHeader(h));
      if (!(updates instanceof Promise)) {
        setHeaders(reply, updates);
        return done(null, payload);
      }
      updates.then((ready) => {
        setHeaders(reply, ready);
        done(null, payload);
      }, (error) => failedCommit(reply, payload, error, options, done));
    } catch (error) {
      failedCommit(reply, payload, error, options, done);
    }
  });
  done();
}

/**
 * The plugin: register it (`await app.register(djangoSession, { backend, user })`) in the scope
 * whose routes need the session — it is wrapped by `fastify-plugin`, so its hooks apply to that
 * scope and its children, not to sibling scopes. Each request gets a lazy `request.session`, a
 * memoised `request.user()`, `request.csrfToken()` and `request.messages`. An unsafe request
 * (not GET, HEAD, OPTIONS, TRACE) whose Origin/Referer or CSRF token does not pass is answered 403
 * with Django's reason (or by the `csrfFailure` option) and its handler does not run, unless its
 * route has `config: { csrfExempt: true }`. Before the reply's headers leave, the messages and
 * the CSRF cookie are set when they changed, the session is saved when it changed and the status
 * is below 500, and its cookie set, refreshed or deleted as Django does. A handler that threw
 * saves nothing. `SessionInterrupted` is answered 400 (as Django) and `StoreUnavailable` 503 with
 * `Retry-After`, whether the handler or the save threw it.
 *
 * Register `@fastify/formbody` (and `@fastify/multipart` with `attachFieldsToBody`) before it, so
 * that forms' `csrfmiddlewaretoken` is read. Type the request fields with one declaration in your
 * app (see {@linkcode DjangoSessionRequest}), or read them with
 * `request.getDecorator<Session>("session")`.
 *
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import formbody from "@fastify/formbody";
 * import type { Session } from "@django-interop/session";
 * import type { RequestMessages } from "@django-interop/session/messages";
 * import { djangoSession } from "@django-interop/session/fastify";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = Fastify();
 * await app.register(formbody);
 * await app.register(djangoSession, { backend, retryAfter: 30 });
 * app.get("/logout", (request, reply) => {
 *   const token = request.getDecorator<() => string>("csrfToken")();
 *   const input = `<input type="hidden" name="csrfmiddlewaretoken" value="${token}">`;
 *   return reply.type("text/html").send(`<form method="post">${input}</form>`);
 * });
 * app.post("/logout", async (request, reply) => {
 *   await request.getDecorator<Session>("session").flush();
 *   request.getDecorator<RequestMessages>("messages").info("Logged out");
 *   return reply.redirect("/");
 * });
 * const page = await app.inject("/logout");
 * const token = page.body.match(/value="(\w+)"/)![1];
 * const response = await app.inject({
 *   method: "POST",
 *   url: "/logout",
 *   headers: {
 *     cookie: `csrftoken=${page.cookies[0].value}`,
 *     origin: "http://localhost:80", // inject's Host is localhost:80
 *     "content-type": "application/x-www-form-urlencoded",
 *   },
 *   payload: new URLSearchParams({ csrfmiddlewaretoken: token }).toString(),
 * });
 * console.log(response.statusCode, response.cookies.map((c) => c.name)); // 302 [ "messages" ]
 * ```
 */
export const djangoSession: FastifyPluginCallback<DjangoSessionOptions> = fastifyPlugin(
  djangoSessionPlugin,
  { fastify: "5.x", name: "@django-interop/session" },
);

/**
 * The commit step for a reply taken over with `reply.hijack()`, which Fastify sends without its
 * `onSend` hooks: sets the messages' and CSRF cookies, saves the session as the plugin would and
 * sets `Set-Cookie` and `Vary` on `reply.raw`. Call it before `reply.raw.writeHead()`.
 *
 * @param request the request (the plugin must be registered for its route)
 * @param reply its reply, already hijacked
 * @param status the status the raw response will have
 * @throws {SessionInterrupted} when the session was deleted meanwhile (answer 400, as Django does)
 * @throws {StoreUnavailable} when the save fails because the store is down
 * @throws {ImproperlyConfigured} when the plugin did not run for this request
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import type { Session } from "@django-interop/session";
 * import { commitHijacked, djangoSession } from "@django-interop/session/fastify";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const app = Fastify();
 * await app.register(djangoSession, {
 *   backend: new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" }),
 * });
 * app.get("/events", async (request, reply) => {
 *   reply.hijack();
 *   (await request.getDecorator<Session>("session").load()).set("seen", true);
 *   await commitHijacked(request, reply, 200);
 *   reply.raw.writeHead(200, { "content-type": "text/plain" });
 *   reply.raw.end("hijacked");
 * });
 * const response = await app.inject("/events");
 * console.log(response.body, response.headers["set-cookie"] !== undefined); // hijacked true
 * ```
 */
export async function commitHijacked(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
): Promise<void> {
  const state = states.get(request);
  if (!state) throw new ImproperlyConfigured("commitHijacked() needs the djangoSession plugin");
  const { raw } = reply;
  for (const [header, value] of await closeHeaders(state, status, (h) => raw.getHeader(h))) {
    raw.setHeader(header, value);
  }
}

/**
 * Django's `login_required` as a Fastify `preHandler` hook, after {@linkcode djangoSession} (with
 * its `user` option): an anonymous request is redirected to `LOGIN_URL?next=…` exactly as Django
 * redirects it (`api: true`: 401 instead); a logged-in user's request reaches the handler.
 *
 * @param options the login page, the redirect field, `api`
 * @returns the hook, for a route's `preHandler` (or `app.addHook("preHandler", …)` in a scope)
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import { djangoSession, loginRequired } from "@django-interop/session/fastify";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = Fastify();
 * await app.register(djangoSession, { backend, user: () => Promise.resolve(null) });
 * app.get("/orders/", { preHandler: loginRequired() }, () => "orders");
 * app.get("/api/orders", { preHandler: loginRequired({ api: true }) }, () => []);
 * const page = await app.inject("/orders/");
 * console.log(page.statusCode, page.headers.location); // 302 /accounts/login/?next=/orders/
 * console.log((await app.inject("/api/orders")).statusCode); // 401
 * ```
 */
export function loginRequired(
  options: LoginRequiredOptions = {},
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async function loginRequiredHook(request, reply) {
    const fields = request as unknown as DjangoSessionRequest;
    if (await fields.user() !== null) return;
    const answer = anonymousResponse(lineOf(request, null).url, fields.session.settings, options);
    answer.headers.forEach((value, name) => void reply.header(name, value));
    await reply.code(answer.status).send(await answer.text());
  };
}
