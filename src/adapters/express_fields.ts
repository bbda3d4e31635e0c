/**
 * What the Express middleware puts on each request, and the typed accessors that read it
 * (`sessionOf`, `userOf`, `csrfTokenOf`, `messagesOf`): JSR refuses the `declare global` that
 * would type `req.session` for every app, so these stand in for it.
 *
 * @module
 */
import { ImproperlyConfigured } from "../errors.ts";
import type { RequestMessages } from "../messages/request_messages.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";

/** What `djangoSession` puts on each request. */
export interface SessionFields<T extends SessionData = SessionData, U = unknown> {
  /** The request's lazy Django session: no query until `await req.session.load()`. */
  session: Session<T>;
  /** The request's user from the `user` option, looked up on the first call only. */
  user(): Promise<U | null>;
  /**
   * Django's `get_token(request)`: a masked token for a form's hidden `csrfmiddlewaretoken` or
   * the `X-CSRFToken` header; calling it sends the `csrftoken` cookie with the response.
   */
  csrfToken(): string;
  /** The request's Django messages (`messages.info("…")`, `messages.list()`), saved with the session. */
  messages: RequestMessages;
}

/**
 * The session `djangoSession` put on `req`, typed.
 *
 * @typeParam T the shape of the session data
 * @param req the request
 * @returns the request's lazy session
 * @throws {ImproperlyConfigured} when the middleware did not run for `req`
 * @example
 * ```ts
 * import { sessionOf } from "@django-interop/session/express";
 * try {
 *   sessionOf({});
 * } catch (error) {
 *   console.log((error as Error).name); // ImproperlyConfigured
 * }
 * ```
 */
export function sessionOf<T extends SessionData = SessionData>(req: object): Session<T> {
  return fieldsOf<T, unknown>(req).session;
}

/**
 * The user of the request, from `djangoSession`'s `user` option (looked up once).
 *
 * @typeParam U the user type
 * @param req the request
 * @returns the user, or `null` when anonymous
 * @throws {ImproperlyConfigured} when the middleware did not run for `req`
 * @example
 * ```ts
 * import { userOf } from "@django-interop/session/express";
 * await userOf({}).catch((error) => console.log(error.code)); // IMPROPERLY_CONFIGURED
 * ```
 */
export function userOf<U = unknown>(req: object): Promise<U | null> {
  try {
    return fieldsOf<SessionData, U>(req).user();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Django's `get_token(request)` for a request `djangoSession` ran for: a masked token for
 * a form's hidden `csrfmiddlewaretoken` input or the `X-CSRFToken` header; the `csrftoken` cookie
 * is sent with the response.
 *
 * @param req the request
 * @returns a 64-character token
 * @throws {ImproperlyConfigured} when the middleware did not run for `req`
 * @example
 * ```ts
 * import express from "express";
 * import { csrfTokenOf, djangoSession } from "@django-interop/session/express";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = express().use(djangoSession({ backend }));
 * app.get("/token", (req, res) => void res.json({ token: csrfTokenOf(req) }));
 * const server = app.listen(0);
 * await new Promise((resolve) => server.once("listening", resolve));
 * const { port } = server.address() as { port: number };
 * const response = await fetch(`http://127.0.0.1:${port}/token`);
 * console.log((await response.json()).token.length, response.headers.get("vary")); // 64 Cookie
 * server.close();
 * ```
 */
export function csrfTokenOf(req: object): string {
  return fieldsOf(req).csrfToken();
}

/**
 * The messages of a request `djangoSession` ran for (Django's `messages` framework,
 * in the storage `MESSAGE_STORAGE` names), committed before the session.
 *
 * @param req the request
 * @returns the request's messages
 * @throws {ImproperlyConfigured} when the middleware did not run for `req`
 * @example
 * ```ts
 * import express from "express";
 * import { djangoSession, messagesOf } from "@django-interop/session/express";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = express().use(djangoSession({ backend }));
 * app.get("/saved", (req, res) => {
 *   messagesOf(req).success("Profile saved");
 *   res.redirect("/");
 * });
 * app.get("/", async (req, res) => {
 *   res.json((await messagesOf(req).list()).map((m) => `${m.tags}: ${m.message}`));
 * });
 * const server = app.listen(0);
 * await new Promise((resolve) => server.once("listening", resolve));
 * const { port } = server.address() as { port: number };
 * const saved = await fetch(`http://127.0.0.1:${port}/saved`, { redirect: "manual" });
 * const cookie = saved.headers.get("set-cookie")!.split(";")[0]; // messages=…
 * const shown = await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie } });
 * console.log(await shown.json()); // [ "success: Profile saved" ]
 * server.close();
 * ```
 */
export function messagesOf(req: object): RequestMessages {
  return fieldsOf(req).messages;
}

function fieldsOf<T extends SessionData, U>(req: object): SessionFields<T, U> {
  const fields = req as Partial<SessionFields<T, U>>;
  if (!fields.session || typeof fields.user !== "function") {
    throw new ImproperlyConfigured("req.session needs app.use(djangoSession({ backend })) first");
  }
  return fields as SessionFields<T, U>;
}
