/**
 * Elysia plugin: Django's session as `session` and `user` in every handler's context, committed as
 * Django's `SessionMiddleware` does. Elysia keeps its own server (`app.listen`), `.ws()` and
 * `redirect()`. Its own subpath export (`./elysia`), so the main entry never needs Elysia.
 *
 * @example
 * ```ts
 * import { Elysia } from "elysia";
 * import { djangoSession } from "@django-interop/session/elysia";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new Elysia().use(djangoSession({ backend })).get("/", async ({ session }) => {
 *   await session.load();
 *   return `user ${session.get("_auth_user_id") ?? "anonymous"}`;
 * });
 * console.log(await (await app.handle(new Request("http://localhost/"))).text()); // user anonymous
 * ```
 *
 * @module
 */
// Elysia's generics are invariant and spell "nothing" as `{}`; the plugin's type must match them.
// deno-lint-ignore-file ban-types
import { Elysia, ElysiaCustomStatusResponse, StatusMap } from "elysia";
import { errorResponse } from "../http/error_response.ts";
import type { Session } from "../session/session.ts";
import type { SessionData } from "../session/store.ts";
import { varyOnCookie } from "../http/commit.ts";
import { commitHeaders, commitSession, sessionKeyOf } from "../http/respond.ts";
import { lazyUser, type SessionOptions as WithSessionOptions } from "../http/with_session.ts";

/**
 * The plugin {@linkcode djangoSession} returns: every handler after `app.use(...)` has `session`
 * and `user` in its context.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user the `user` option finds
 */
export type DjangoSessionPlugin<T extends SessionData = SessionData, U = unknown> = Elysia<
  "",
  {
    decorator: {};
    store: {};
    derive: {
      /** The request's lazy Django session. */
      readonly session: Session<T>;
      /** The request's user from the `user` option, looked up on the first call only. */
      readonly user: () => Promise<U | null>;
    };
    resolve: {};
  },
  { typebox: {}; error: {} },
  {
    schema: {};
    standaloneSchema: {};
    macro: {};
    macroFn: {};
    parser: {};
    response: { 200: Response };
  },
  {},
  { derive: {}; resolve: {}; schema: {}; standaloneSchema: {}; response: {} },
  { derive: {}; resolve: {}; schema: {}; standaloneSchema: {}; response: {} }
>;

/** What the plugin keeps for one request between "before the handler" and "after". */
interface RequestState {
  session: Session<SessionData>;
  cookieSent: boolean;
}

/** The status a handler's value will be sent with: a `Response`'s, `status()`'s, or `set.status`. */
function statusOf(value: unknown, status: number | keyof StatusMap | undefined): number {
  if (value instanceof Response) return value.status;
  if (value instanceof ElysiaCustomStatusResponse) return value.code;
  if (typeof status === "string") return StatusMap[status];
  return status ?? 200;
}

/**
 * Creates the plugin: each request gets a lazy session (no query unless a handler loads it) and a
 * lazy `user()`; after the handler, the session is saved when it changed and the status is below
 * 500, and the cookie set, refreshed or deleted as Django does. A handler that throws saves nothing.
 * For a value that is not a `Response`, the cookie goes in `set.headers`: set other cookies there
 * too, since Elysia's `cookie` jar, when used, replaces `set.headers["set-cookie"]`.
 *
 * @typeParam T the shape of the session data
 * @typeParam U the user the `user` option finds
 * @param options the backend (its settings name and write the cookie) and the user loader
 * @returns the plugin, for `app.use(...)`
 * @example
 * ```ts
 * import { Elysia } from "elysia";
 * import { djangoSession } from "@django-interop/session/elysia";
 * import { SignedCookieBackend } from "@django-interop/session/signed-cookies";
 *
 * const backend = new SignedCookieBackend({ SECRET_KEY: "django-insecure-key" });
 * const app = new Elysia().use(djangoSession({ backend })).post("/cart", async ({ session }) => {
 *   (await session.load()).set("cart", [1]);
 *   return "added";
 * });
 * const response = await app.handle(new Request("http://localhost/cart", { method: "POST" }));
 * console.log(response.headers.get("set-cookie")?.startsWith("sessionid=")); // true
 * ```
 */
export function djangoSession<T extends SessionData = SessionData, U = unknown>(
  options: WithSessionOptions<T, U>,
): DjangoSessionPlugin<T, U> {
  const { backend } = options;
  const requests = new WeakMap<Request, RequestState>();
  return new Elysia({ name: "django-session", seed: backend })
    .onError({ as: "global" }, function sessionErrors({ error }) {
      // The shared answer (400, 503 + Retry-After, 500); `undefined` leaves the rest to Elysia.
      return errorResponse(error, options) ?? undefined;
    })
    .derive({ as: "global" }, function openSession({ request }) {
      const key = sessionKeyOf(request, backend.settings);
      const session = backend.getSession(key);
      const state = { session: session as Session<SessionData>, cookieSent: key !== null };
      requests.set(request, state);
      return { session, user: lazyUser(state.session, options.user) };
    })
    .onAfterHandle({ as: "global" }, async function commit({ request, responseValue, set }) {
      const state = requests.get(request);
      if (!state) return;
      if (responseValue instanceof Response) {
        return commitSession(state.session, responseValue, state.cookieSent);
      }
      const status = statusOf(responseValue, set.status);
      if (status < 200) return;
      const { setCookie, vary } = await commitHeaders(state.session, state.cookieSent, status);
      if (setCookie !== null) set.headers["set-cookie"] = setCookie;
      if (vary) set.headers.vary = varyOnCookie(set.headers.vary ?? null);
    });
}
