/**
 * Share Django sessions with Deno, Bun and Node services: read what Django wrote, write what Django
 * reads back, and know which Django user is logged in.
 *
 * This entry holds the common path: Django's settings, the session and its backend, the
 * fetch-style middleware (sessions and CSRF protection, as in Django's default `MIDDLEWARE`) and
 * the errors. Each store, the auth functions, the signing primitives,
 * the HTTP building blocks and each framework adapter have an entry of their own
 * (`@django-interop/session/postgres`, `/sqlite`, `/mysql`, `/signed-cookies`, `/cached-db`, `/sql`,
 * `/auth`, `/csrf`, `/signing`, `/http`, `/hono`, `/express`, …).
 *
 * @example
 * ```ts
 * import { djangoSettings, withSession } from "@django-interop/session";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const settings = djangoSettings({ SECRET_KEY: "django-insecure-key" });
 * const handler = withSession({ backend: new SignedCookieBackend(settings) }, async (_request, { session }) => {
 *   await session.load();
 *   session.set("visits", ((session.get("visits") as number) ?? 0) + 1);
 *   return new Response(`visits: ${session.get("visits")}`);
 * });
 *
 * const response = await handler(new Request("http://localhost/"));
 * console.log(await response.text()); // visits: 1
 * ```
 *
 * @module
 */

export * from "./src/errors.ts";
export {
  type DjangoSettings,
  djangoSettings,
  type DjangoSettingsInput,
  type SameSite,
  type Settings,
} from "./src/settings/settings.ts";
export type { PasswordHasher } from "./src/settings/password_hasher.ts";
export type { SessionData, SessionStore } from "./src/session/store.ts";
export { type SaveOptions, Session } from "./src/session/session.ts";
export { SessionBackend } from "./src/session/backend.ts";
export { decodeSession, encodeSession, type SessionCodecOptions } from "./src/session/codec.ts";
export { isValidSessionKey, newSessionKey } from "./src/session/keys.ts";
export type { SessionContext, SessionOptions, UserLoader } from "./src/http/with_session.ts";
export type { ErrorResponseOptions } from "./src/http/error_response.ts";
export type { CsrfFailureView, RequestOptions } from "./src/adapters/request.ts";
export {
  type RequestContext,
  type SessionHandler,
  withSession,
  type WithSessionOptions,
} from "./src/adapters/fetch.ts";
export type {
  AddOptions,
  Message,
  MessageSink,
  RequestMessages,
  StoredMessage,
} from "./src/messages/mod.ts";
