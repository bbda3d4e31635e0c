/**
 * Fastify plugin: Django's session on `request.session` and the user on `request.user()`, committed
 * as Django's `SessionMiddleware` does. Its own subpath export (`./fastify`), so the main entry never
 * needs Fastify.
 *
 * Timing, as `@fastify/session` does it: an `onRequest` hook hands out the lazy session (no query
 * unless a handler loads it); an async `onSend` hook — which runs for `reply.send`, `reply.redirect`,
 * streams and error replies, before any header leaves — saves it and sets `Set-Cookie` and `Vary`.
 * A handler that threw (seen by the `onError` hook) saves nothing. A reply taken over with
 * `reply.hijack()` skips `onSend`: call {@linkcode commitHijacked} before writing its head.
 *
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import type { Session } from "@django-interop/session";
 * import { djangoSession } from "@django-interop/session/fastify";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const app = Fastify();
 * await app.register(djangoSession, {
 *   backend: new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" }),
 * });
 * app.get("/", async (request) => {
 *   const session = await request.getDecorator<Session>("session").load();
 *   session.set("visits", Number(session.get("visits") ?? 0) + 1);
 *   return { visits: session.get("visits") };
 * });
 * const response = await app.inject("/");
 * console.log(response.json(), response.headers.vary); // { visits: 1 } Cookie
 * ```
 *
 * @module
 */
import fastifyPlugin from "fastify-plugin";
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from "fastify";
import { ImproperlyConfigured } from "../errors.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { commitHeaders, sessionHeaderUpdates, sessionKeyOfHeader } from "../http/respond.ts";
import { lazyUser, type SessionOptions as WithSessionOptions } from "../http/with_session.ts";
import {
  type ErrorResponseOptions,
  type ErrorStatus,
  errorStatus,
} from "../http/error_response.ts";

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
}

/** Options of {@linkcode djangoSession}: the backend, the user loader and the `Retry-After`. */
export interface DjangoSessionOptions<T extends SessionData = SessionData, U = unknown>
  extends WithSessionOptions<T, U>, ErrorResponseOptions {}

/** What one request carries from `onRequest` to `onSend`. */
interface RequestState {
  session: Session<SessionData>;
  cookieSent: boolean;
  /** What a handler or hook threw, seen by `onError`: such a request saves nothing. */
  error?: unknown;
}

const states = new WeakMap<FastifyRequest, RequestState>();

function djangoSessionPlugin(
  fastify: FastifyInstance,
  options: DjangoSessionOptions,
  done: (error?: Error) => void,
) {
  const { backend } = options;
  const name = backend.settings.SESSION_COOKIE_NAME;
  // Declared up front (null), as Fastify wants, so requests keep one shape; a second registration
  // in a sibling scope reuses them.
  if (!fastify.hasRequestDecorator("session")) fastify.decorateRequest("session", null as never);
  if (!fastify.hasRequestDecorator("user")) fastify.decorateRequest("user", null as never);

  fastify.addHook("onRequest", function openSession(request, _reply, done) {
    const key = sessionKeyOfHeader(request.headers.cookie, backend.settings);
    const session = backend.getSession(key) as Session<SessionData>;
    const fields = request as unknown as DjangoSessionRequest;
    fields.session = session;
    fields.user = lazyUser(session, options.user);
    states.set(request, { session, cookieSent: key !== null });
    done();
  });

  fastify.addHook("onError", function rememberError(request, _reply, error, done) {
    const state = states.get(request);
    if (state) state.error = error;
    done();
  });

  fastify.addHook("onSend", async function commitOnSend(request, reply, payload) {
    const state = states.get(request);
    if (!state || reply.statusCode < 200) return payload;
    if ("error" in state) {
      const answer = errorStatus(state.error, options);
      return answer ? replaced(reply, payload, answer) : payload;
    }
    try {
      const headers = await commitHeaders(state.session, state.cookieSent, reply.statusCode);
      for (
        const [header, value] of sessionHeaderUpdates(headers, (h) => reply.getHeader(h), name)
      ) {
        reply.removeHeader(header); // Fastify's header() appends to an existing Set-Cookie
        reply.header(header, value);
      }
      return payload;
    } catch (error) {
      const answer = errorStatus(error, options);
      if (!answer) throw error;
      return replaced(reply, payload, answer);
    }
  });
  done();
}

/** Turns the reply into the plain-text answer to a session error (a new response, as Django's). */
function replaced(
  reply: FastifyReply,
  payload: unknown,
  answer: ErrorStatus,
): string {
  (payload as { destroy?: () => void } | null)?.destroy?.(); // a stream nobody will read
  for (const header of Object.keys(reply.getHeaders())) reply.removeHeader(header);
  reply.code(answer.status).headers({
    ...answer.headers,
    "content-type": "text/plain; charset=utf-8",
  });
  return answer.body;
}

/**
 * The plugin: register it (`await app.register(djangoSession, { backend, user })`) in the scope
 * whose routes need the session — it is wrapped by `fastify-plugin`, so its hooks apply to that
 * scope and its children, not to sibling scopes. Each request gets a lazy `request.session` and a
 * memoised `request.user()`; before the reply's headers leave, the session is saved when it
 * changed and the status is below 500, and the cookie is set, refreshed or deleted as Django does.
 * A handler that threw saves nothing. `SessionInterrupted` is answered 400 (as Django) and
 * `StoreUnavailable` 503 with `Retry-After`, whether the handler or the save threw it.
 *
 * Type `request.session` and `request.user()` with one declaration in your app (see
 * {@linkcode DjangoSessionRequest}), or read them with `request.getDecorator<Session>("session")`.
 *
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import type { Session } from "@django-interop/session";
 * import { djangoSession } from "@django-interop/session/fastify";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = Fastify();
 * await app.register(djangoSession, { backend, retryAfter: 30 });
 * app.post("/logout", async (request, reply) => {
 *   await request.getDecorator<Session>("session").flush();
 *   return reply.redirect("/");
 * });
 * const response = await app.inject({ method: "POST", url: "/logout" });
 * console.log(response.statusCode, response.headers["set-cookie"]); // 302 undefined (no cookie was sent)
 * ```
 */
export const djangoSession: FastifyPluginCallback<DjangoSessionOptions> = fastifyPlugin(
  djangoSessionPlugin,
  { fastify: "5.x", name: "@django-interop/session" },
);

/**
 * The commit step for a reply taken over with `reply.hijack()`, which Fastify sends without its
 * `onSend` hooks: saves the session as the plugin would and sets `Set-Cookie` and `Vary` on
 * `reply.raw`. Call it before `reply.raw.writeHead()`.
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
  const { settings } = state.session;
  const headers = await commitHeaders(state.session, state.cookieSent, status);
  const { raw } = reply;
  for (
    const [header, value] of sessionHeaderUpdates(
      headers,
      (h) => raw.getHeader(h),
      settings.SESSION_COOKIE_NAME,
    )
  ) {
    raw.setHeader(header, value);
  }
}
